"""Fixtures for online tasks and training, on top of the shared cast."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from civitas.accounts.models import Qualification, ServiceCategory
from civitas.online import services
from civitas.online.models import Course, OnlineTask, QuestionKind
from civitas.projects.models import Project, ProjectStatus


def make_project(organization: Any, created_by: Any, status: str = ProjectStatus.RECRUITING) -> Project:
    return Project.objects.create(
        organization=organization, region=organization.region, title="清朗网络行动", title_en="Clean Web Campaign",
        category=ServiceCategory.NETWORK_CIVILIZATION, status=status, created_by=created_by,
    )


@pytest.fixture
def project(cast: Any) -> Project:
    return make_project(cast.org_a, cast.organizer_a)


@pytest.fixture
def qualification(db: Any) -> Qualification:
    return Qualification.objects.create(code="online-review", name="网络内容审核", name_en="Online content review", valid_days=365)


def make_task(project: Project, created_by: Any, **overrides: Any) -> OnlineTask:
    now = timezone.now()
    fields = {
        "title": "举报网络谣言", "kind": "report_harmful", "instructions": "找到谣言并举报，提交链接。",
        "hours_per_submission": Decimal("0.50"), "quota_total": 10, "quota_per_volunteer": 2,
        "opens_at": now - dt.timedelta(days=1), "closes_at": now + dt.timedelta(days=7), "requires_link": True,
    }
    fields.update(overrides)
    return services.task_create(project=project, created_by=created_by, **fields)


@pytest.fixture
def task(project: Project, cast: Any) -> OnlineTask:
    return make_task(project, cast.organizer_a)


def make_course(cast: Any, qualification: Qualification | None, credit_hours: Decimal = Decimal("0")) -> Course:
    course = services.course_create(
        organization=cast.org_a, created_by=cast.organizer_a, title="网络文明志愿者入门", title_en="Online volunteering basics",
        pass_mark=50, qualification=qualification, credit_hours=credit_hours,
    )
    services.lesson_add(course=course, title="什么是网络文明", body="<p>文明上网</p><script>alert(1)</script>")
    services.question_add(course=course, text="看到谣言应该怎么做？", choices=[("转发", False), ("举报", True)])
    services.question_add(
        course=course, text="哪些是好的做法？", kind=QuestionKind.MULTIPLE,
        choices=[("核实来源", True), ("理性发言", True), ("人肉搜索", False)],
    )
    return course


@pytest.fixture
def course(cast: Any, qualification: Qualification) -> Course:
    return make_course(cast, qualification)


def right_answers(course: Course) -> dict[str, list[int]]:
    return {
        str(q.pk): [c.pk for c in q.choices.all() if c.is_correct] for q in course.questions.prefetch_related("choices")
    }


def wrong_answers(course: Course) -> dict[str, list[int]]:
    return {
        str(q.pk): [c.pk for c in q.choices.all() if not c.is_correct][:1] for q in course.questions.prefetch_related("choices")
    }


def image_upload(fmt: str = "PNG", name: str = "shot.png", size: tuple[int, int] = (40, 30), color: str = "red") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    from django.core.cache import cache

    cache.clear()
