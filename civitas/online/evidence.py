"""Evidence checks: link and text normalization for duplicate detection, and image
validation by content."""

from __future__ import annotations

import hashlib
import io
import unicodedata
import warnings
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from civitas.core.uploads import UploadValidator

# Parameters that only say where a visitor came from; two links differing only in
# these point at the same page.
TRACKING_PARAMETERS = {
    "fbclid", "gclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid", "spm", "share_source",
    "share_medium", "share_plat", "share_tag", "share_session_id", "vd_source", "from_spmid",
}
DEFAULT_PORTS = {"http": "80", "https": "443"}
IMAGE_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
CONTENT_TYPES = dict(IMAGE_FORMATS.values())


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normalize_link(link: str) -> str:
    """The canonical form of a link: scheme and host lowercased, default port, fragment,
    tracking parameters and trailing slash removed, the other parameters sorted."""
    parts = urlsplit((link or "").strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({"link": [_("Enter a web link starting with http:// or https://.")]})
    host = parts.hostname.lower().rstrip(".")
    port = parts.port if parts.port is not None else None
    netloc = host if port is None or str(port) == DEFAULT_PORTS[scheme] else f"{host}:{port}"
    path = parts.path.rstrip("/")
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in TRACKING_PARAMETERS
    )
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def normalize_text(text: str) -> str:
    """Whitespace collapsed and full-width forms folded, so a re-spaced copy is caught."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


@dataclass
class CheckedImage:
    content: ContentFile
    digest: str


def check_image(upload) -> CheckedImage:  # type: ignore[no-untyped-def]
    """Accept only JPEG, PNG or WebP as the bytes say (never the name or the declared
    type), within the online limits; answer a re-encoded copy without metadata.

    The shared check (``civitas.core.uploads``) reads the size, the format and the pixel
    count; its messages are replaced by the evidence form's own, which name the formats."""
    rules = settings.CIVITAS_ONLINE
    limit = rules["IMAGE_MAX_BYTES"]
    too_big = ValidationError({"image": [
        _("The image is too big: at most %(size)s MB.") % {"size": round(limit / 1024 / 1024, 1)}
    ]})
    not_an_image = ValidationError({"image": [_("The file is not a JPEG, PNG or WebP image.")]})
    validator = UploadValidator(kinds=("image",), max_bytes=limit, image_formats=tuple(IMAGE_FORMATS),
                                max_pixels=rules["IMAGE_MAX_PIXELS"])
    try:
        validator(upload)
    except ValidationError as error:
        if error.code == "file_too_large":
            raise too_big from None
        if error.code == "image_too_large":
            raise ValidationError({"image": [_("The image has too many pixels.")]}) from None
        raise not_an_image from None
    upload.seek(0)
    raw = upload.read()
    if len(raw) > limit:  # the declared size is the client's word
        raise too_big
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
            image_format = image.format
            # verify() in the shared check does not decode the pixels; a truncated JPEG
            # only shows here.
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise not_an_image from None
    if image_format not in IMAGE_FORMATS:
        raise not_an_image
    extension, _content_type = IMAGE_FORMATS[image_format]
    # Re-encoding drops EXIF (and with it GPS data); turn the pixels first so a phone
    # photo keeps its orientation.
    image = ImageOps.exif_transpose(image)
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif image.mode not in (("RGB", "RGBA") if image_format == "WEBP" else ("RGB", "RGBA", "L", "LA", "P")):
        image = image.convert("RGBA")
    output = io.BytesIO()
    options = {"quality": 85} if image_format in ("JPEG", "WEBP") else {"optimize": True}
    image.save(output, format=image_format, **options)
    return CheckedImage(content=ContentFile(output.getvalue(), name=f"evidence.{extension}"),
                        digest=hashlib.sha256(raw).hexdigest())
