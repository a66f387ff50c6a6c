import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civitas.core.uploads import UploadValidator, validate_document_upload, validate_image_upload


def _png(size=(10, 10)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_real_image_passes():
    validate_image_upload(SimpleUploadedFile("a.png", _png(), content_type="image/png"))


def test_a_script_named_like_an_image_is_refused():
    upload = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload)
    assert error.value.code == "not_an_image"


def test_a_truncated_image_is_refused():
    with pytest.raises(ValidationError):
        validate_image_upload(SimpleUploadedFile("a.png", _png((200, 200))[:60], content_type="image/png"))


def test_a_format_outside_the_list_is_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="BMP")
    with pytest.raises(ValidationError) as error:
        validate_image_upload(SimpleUploadedFile("a.bmp", buffer.getvalue()))
    assert error.value.code == "image_format"


def test_size_limit():
    with pytest.raises(ValidationError) as error:
        UploadValidator(max_bytes=100)(SimpleUploadedFile("a.png", _png((100, 100))))
    assert error.value.code == "file_too_large"


def test_pixel_limit_is_an_argument():
    UploadValidator(max_pixels=100)(SimpleUploadedFile("a.png", _png((10, 10))))
    with pytest.raises(ValidationError) as error:
        UploadValidator(max_pixels=99)(SimpleUploadedFile("a.png", _png((10, 10))))
    assert error.value.code == "image_too_large"


def test_empty_file_is_refused():
    with pytest.raises(ValidationError):
        validate_image_upload(SimpleUploadedFile("a.png", b""))


def test_documents_accept_pdf_but_not_html():
    validate_document_upload(SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%..."))
    with pytest.raises(ValidationError):
        validate_document_upload(SimpleUploadedFile("a.pdf", b"<html><script>x</script></html>"))


def test_upload_validator_deconstructs_for_migrations():
    path, _args, kwargs = UploadValidator(kinds=("pdf",), max_bytes=10).deconstruct()
    assert path == "civitas.core.uploads.UploadValidator" and kwargs["kinds"] == ("pdf",)
