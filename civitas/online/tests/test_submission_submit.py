from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civitas.online import evidence, services
from civitas.online.models import SubmissionStatus
from civitas.online.tests.conftest import image_upload, make_task


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("https://weibo.com/post/1", "HTTPS://WEIBO.COM/post/1/"),
        ("https://weibo.com/post/1?utm_source=wechat&utm_medium=share", "https://weibo.com/post/1"),
        ("https://weibo.com/post/1?b=2&a=1", "https://weibo.com:443/post/1?a=1&b=2&spm=abc#comments"),
    ],
)
def test_the_same_link_written_differently_is_one_link(first, second):
    assert evidence.normalize_link(first) == evidence.normalize_link(second)


def test_different_query_keeps_links_apart():
    assert evidence.normalize_link("https://example.org/a?id=1") != evidence.normalize_link("https://example.org/a?id=2")


def test_same_volunteer_sending_the_same_link_twice_is_caught(cast, task):
    services.submission_submit(task=task, volunteer=cast.volunteer, link="https://example.org/post/7")

    with pytest.raises(ValidationError) as duplicate:
        services.submission_submit(task=task, volunteer=cast.volunteer, link="https://EXAMPLE.org/post/7/")

    assert "link" in duplicate.value.message_dict


def test_same_text_with_other_spacing_is_caught(cast, project):
    task = make_task(project, cast.organizer_a, requires_link=False, requires_text=True)
    services.submission_submit(task=task, volunteer=cast.volunteer, text="辅导了数学  作业\n一小时")

    with pytest.raises(ValidationError) as duplicate:
        services.submission_submit(task=task, volunteer=cast.volunteer2, text=" 辅导了数学 作业 一小时 ")

    assert "text" in duplicate.value.message_dict


def test_the_same_link_on_another_task_is_fine(cast, project, task):
    other = make_task(project, cast.organizer_a, title="另一个任务")
    services.submission_submit(task=task, volunteer=cast.volunteer, link="https://example.org/p")

    submission = services.submission_submit(task=other, volunteer=cast.volunteer, link="https://example.org/p")

    assert submission.status == SubmissionStatus.SUBMITTED


def test_missing_evidence_is_named(cast, project):
    task = make_task(project, cast.organizer_a, requires_text=True, requires_image=True)

    with pytest.raises(ValidationError) as refused:
        services.submission_submit(task=task, volunteer=cast.volunteer, link="https://example.org/x")

    assert set(refused.value.message_dict) >= {"text", "image"}


def test_link_that_is_not_a_web_link_is_refused(cast, task):
    with pytest.raises(ValidationError) as refused:
        services.submission_submit(task=task, volunteer=cast.volunteer, link="javascript:alert(1)")

    assert "link" in refused.value.message_dict


def test_submitting_uses_the_open_claim(cast, task):
    claim = services.task_claim(task=task, volunteer=cast.volunteer)

    submission = services.submission_submit(task=task, volunteer=cast.volunteer, link="https://example.org/1")

    assert submission.pk == claim.pk and submission.submitted_at is not None


@pytest.fixture
def image_task(cast, project):
    return make_task(project, cast.organizer_a, requires_link=False, requires_image=True)


def test_image_is_reencoded_under_a_random_name(cast, image_task):
    upload = image_upload(name="../../evil.html.png")

    submission = services.submission_submit(task=image_task, volunteer=cast.volunteer, image=upload)

    assert submission.image.name.startswith("online/evidence/")
    assert "evil" not in submission.image.name and submission.image.name.endswith(".png")
    with submission.image.open("rb") as stored:
        assert Image.open(stored).format == "PNG"


def test_a_file_that_is_not_an_image_is_refused(cast, image_task):
    fake = SimpleUploadedFile("shot.png", b"<html><script>alert(1)</script></html>", content_type="image/png")

    with pytest.raises(ValidationError) as refused:
        services.submission_submit(task=image_task, volunteer=cast.volunteer, image=fake)

    assert "不是 JPEG、PNG 或 WebP 图片" in refused.value.message_dict["image"][0]


def test_an_image_of_another_format_is_refused(cast, image_task):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")

    with pytest.raises(ValidationError):
        services.submission_submit(
            task=image_task, volunteer=cast.volunteer, image=SimpleUploadedFile("a.gif", buffer.getvalue())
        )


def test_truncated_image_is_refused(cast, image_task):
    whole = image_upload(fmt="JPEG", name="a.jpg", size=(200, 200)).read()

    with pytest.raises(ValidationError):
        services.submission_submit(
            task=image_task, volunteer=cast.volunteer, image=SimpleUploadedFile("a.jpg", whole[: len(whole) // 2])
        )


def test_too_big_image_is_refused(cast, image_task, settings):
    settings.CIVITAS_ONLINE = {**settings.CIVITAS_ONLINE, "IMAGE_MAX_BYTES": 100}

    with pytest.raises(ValidationError) as refused:
        services.submission_submit(task=image_task, volunteer=cast.volunteer, image=image_upload(size=(300, 300), color="blue"))

    assert "图片太大" in refused.value.message_dict["image"][0]


def test_image_with_more_pixels_than_the_online_limit_is_refused(cast, image_task, settings):
    settings.CIVITAS_ONLINE = {**settings.CIVITAS_ONLINE, "IMAGE_MAX_PIXELS": 40 * 30 - 1}

    with pytest.raises(ValidationError) as refused:
        services.submission_submit(task=image_task, volunteer=cast.volunteer, image=image_upload(size=(40, 30)))

    assert refused.value.message_dict["image"] == ["图片像素过多。"]


def test_same_image_twice_is_caught(cast, image_task):
    services.submission_submit(task=image_task, volunteer=cast.volunteer, image=image_upload(fmt="WEBP", name="a.webp"))

    with pytest.raises(ValidationError) as duplicate:
        services.submission_submit(task=image_task, volunteer=cast.volunteer2, image=image_upload(fmt="WEBP", name="b.webp"))

    assert "image" in duplicate.value.message_dict


def test_photo_metadata_is_dropped(cast, image_task):
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "green").save(buffer, format="JPEG", exif=exif)

    submission = services.submission_submit(
        task=image_task, volunteer=cast.volunteer, image=SimpleUploadedFile("p.jpg", buffer.getvalue())
    )

    with submission.image.open("rb") as stored:
        assert b"secret description" not in stored.read()
