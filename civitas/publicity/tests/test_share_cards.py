import io

import pytest
from django.urls import reverse
from PIL import Image, ImageChops, ImageDraw

from civitas.publicity import sharecards
from civitas.publicity.tests.factories import make_project, set_totals

pytestmark = pytest.mark.django_db


def _png(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.load()
    assert image.format == "PNG" and image.size == (1200, 630)
    return image


def test_project_card_draws_chinese_glyphs_not_tofu(cast):
    client = cast.client_for(None)
    one = _png(client.get(reverse("publicity:project_card", args=[make_project(cast, title="关爱空巢老人").pk])))
    two = _png(client.get(reverse("publicity:project_card", args=[make_project(cast, title="河道清洁行动").pk])))
    assert ImageChops.difference(one.convert("L"), two.convert("L")).getbbox() is not None


def _glyph(font, char):
    image = Image.new("L", (80, 80), 0)
    ImageDraw.Draw(image).text((4, 0), char, font=font, fill=255)
    return image.tobytes()


def test_the_card_font_has_real_chinese_glyphs():
    font = sharecards._font(64)
    tofu = _glyph(font, "\ue000")  # a private-use point no font maps: the missing-glyph box
    glyphs = [_glyph(font, char) for char in "关爱空巢老人志愿服务★"]
    assert all(glyph != tofu for glyph in glyphs)
    assert len(set(glyphs)) == len(glyphs)


def test_draft_project_has_no_card(cast):
    project = make_project(cast, status="draft")
    assert cast.client_for(None).get(reverse("publicity:project_card", args=[project.pk])).status_code == 404


def test_volunteer_card_only_for_an_opted_in_profile(cast):
    profile = cast.volunteer.volunteer
    client = cast.client_for(None)
    url = reverse("publicity:volunteer_card", args=[profile.volunteer_number])
    assert client.get(url).status_code == 404
    assert client.get(reverse("publicity:volunteer", args=[profile.volunteer_number])).status_code == 404
    profile.is_profile_public = True
    profile.save()
    set_totals(cast.volunteer, "320", 2)
    _png(client.get(url))
    html = client.get(reverse("publicity:volunteer", args=[profile.volunteer_number])).content.decode()
    assert "李小红" in html and "320" in html
    assert profile.masked_id_number not in html and "110101" not in html and "13900000001" not in html
