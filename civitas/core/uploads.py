"""Checks for uploaded images and documents, shared by every app that takes files.

The name and the browser's content type are the client's claims; these checks read
the bytes. Use the validators on a form or model field::

    photo = forms.ImageField(validators=[validate_image_upload])
    evidence = forms.FileField(validators=[UploadValidator(kinds=("image", "pdf"), max_bytes=5 << 20)])
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Larger than any photo a phone takes; stops a small file that unpacks to gigabytes.
MAX_IMAGE_PIXELS = 40_000_000


def _read_head(upload: Any, size: int) -> bytes:
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(size)
    upload.seek(position)
    return head


def sniff(upload: Any) -> str:
    """What the bytes are: an image format name ("PNG"), "PDF", or ""."""
    from PIL import Image

    head = _read_head(upload, 8)
    if head.startswith(b"%PDF-"):
        return "PDF"
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            return image.format or ""
    except Exception:  # Pillow raises many kinds for what is simply not an image
        return ""
    finally:
        upload.seek(0)


def check_image(upload: Any, *, formats: tuple[str, ...] = tuple(IMAGE_FORMATS),
                max_pixels: int = MAX_IMAGE_PIXELS) -> str:
    """Verify a real, whole image in one of ``formats``, at most ``max_pixels``; answers its format."""
    from PIL import Image

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            found = image.format or ""
            width, height = image.size
            image.verify()
    except Image.DecompressionBombError:
        raise ValidationError(_("This image is too large."), code="image_too_large") from None
    except Exception:
        raise ValidationError(_("This file is not an image, or it is damaged."), code="not_an_image") from None
    finally:
        upload.seek(0)
    if found not in formats:
        raise ValidationError(
            _("Upload a picture in one of these formats: %(formats)s.") % {"formats": ", ".join(formats)},
            code="image_format",
        )
    if width * height > max_pixels:
        raise ValidationError(_("This image is too large."), code="image_too_large")
    return found


@deconstructible
class UploadValidator:
    """Size and content: ``kinds`` is any of "image" and "pdf"."""

    def __init__(self, *, kinds: tuple[str, ...] = ("image",), max_bytes: int = DEFAULT_MAX_BYTES,
                 image_formats: tuple[str, ...] = tuple(IMAGE_FORMATS), max_pixels: int = MAX_IMAGE_PIXELS) -> None:
        self.kinds = tuple(kinds)
        self.max_bytes = max_bytes
        self.image_formats = tuple(image_formats)
        self.max_pixels = max_pixels

    def __call__(self, upload: Any) -> None:
        size = getattr(upload, "size", None)
        if size is None:
            upload.seek(0, 2)
            size = upload.tell()
            upload.seek(0)
        if size > self.max_bytes:
            raise ValidationError(
                _("The file is too large: at most %(megabytes)s MB.") % {"megabytes": round(self.max_bytes / 1048576, 1)},
                code="file_too_large",
            )
        if size == 0:
            raise ValidationError(_("The file is empty."), code="file_empty")
        if "pdf" in self.kinds and _read_head(upload, 5) == b"%PDF-":
            return
        if "image" in self.kinds:
            check_image(upload, formats=self.image_formats, max_pixels=self.max_pixels)
            return
        raise ValidationError(_("This kind of file is not accepted here."), code="file_kind")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadValidator) and (
            self.kinds, self.max_bytes, self.image_formats, self.max_pixels
        ) == (other.kinds, other.max_bytes, other.image_formats, other.max_pixels)


validate_image_upload = UploadValidator(kinds=("image",))
validate_document_upload = UploadValidator(kinds=("image", "pdf"), max_bytes=10 * 1024 * 1024)
