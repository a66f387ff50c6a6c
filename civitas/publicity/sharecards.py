"""Share cards: 1200×630 PNG pictures for a project or a volunteer, drawn with Pillow in
Noto Sans SC so Chinese text shows (the font ships in the pylopdf-fonts-zh-cn package;
no system font is needed). Cards are cached per object and language."""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from civitas.core.context_processors import site
from civitas.core.text import localized

WIDTH, HEIGHT = 1200, 630
RED = (179, 38, 30)
INK = (33, 33, 33)
MUTED = (102, 102, 102)
CARD_TTL = 60 * 60


def font_path() -> str:
    import pylopdf_fonts_zh_cn

    return str(pylopdf_fonts_zh_cn.sans_path())


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_path(), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int, lines: int) -> list[str]:
    """Break by character width, which suits Chinese (no spaces) and is fine for English."""
    out: list[str] = []
    current = ""
    for char in text:
        if draw.textlength(current + char, font=font) > width:
            out.append(current)
            current = char.lstrip()
            if len(out) == lines:
                break
        else:
            current += char
    if len(out) < lines and current:
        out.append(current)
    if len(out) == lines and "".join(out) != text.replace("\n", ""):
        out[-1] = out[-1][:-1] + "…"
    return out


def render_card(*, title: str, lines: list[str], footer: str) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 110), fill=RED)
    draw.text((60, 30), footer, font=_font(40), fill=(255, 255, 255))
    y = 160
    for line in _wrap(draw, title, _font(64), WIDTH - 120, 2):
        draw.text((60, y), line, font=_font(64), fill=INK)
        y += 84
    y += 20
    for text in lines:
        for line in _wrap(draw, text, _font(36), WIDTH - 120, 2):
            draw.text((60, y), line, font=_font(36), fill=MUTED)
            y += 52
    draw.rectangle((0, HEIGHT - 16, WIDTH, HEIGHT), fill=RED)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _site_name() -> str:
    return str(site(None)["site_name"])  # type: ignore[arg-type]


def project_card(project: Any) -> bytes:
    key = f"publicity:card:project:{project.pk}:{project.updated_at.timestamp()}:{get_language()}"
    png = cache.get(key)
    if png is None:
        lines = [f"{localized(project.organization)} · {localized(project.region)}"]
        if project.summary:
            lines.append(project.summary)
        if project.status == "recruiting":
            lines.append(_("Recruiting volunteers now"))
        png = render_card(title=localized(project, "title"), lines=lines, footer=_site_name())
        cache.set(key, png, CARD_TTL)
    return png


def volunteer_card(profile: Any) -> bytes:
    totals = getattr(profile.user, "hours_totals", None)
    hours = totals.total_hours if totals else 0
    stars = totals.star_level if totals else 0
    # The name is the person's own text: hashed, so the key is safe for any cache backend.
    name = hashlib.sha256(profile.public_name.encode()).hexdigest()[:16]
    key = f"publicity:card:volunteer:{profile.pk}:{hours}:{stars}:{name}:{get_language()}"
    png = cache.get(key)
    if png is None:
        lines = [
            _("%(hours)s hours of volunteer service") % {"hours": hours},
            (_("Star level: %(stars)s") % {"stars": "★" * stars}) if stars else _("Volunteer"),
        ]
        png = render_card(title=profile.public_name, lines=lines, footer=_site_name())
        cache.set(key, png, CARD_TTL)
    return png
