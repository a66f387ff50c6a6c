"""Online tasks and training in the public API (DESIGN.md: contract v1)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from civitas.core.api import ErrorOut, Page, current_user, token_auth
from civitas.core.text import localized
from civitas.online import selectors, services
from civitas.online.models import OnlineTask, TaskKind

router = Router(tags=["online"])
PAGE_SIZE = 20
# Far beyond any real list, and small enough that the offset stays a sane integer.
MAX_PAGE = 100_000
# The largest primary key (a 64-bit column): a bigger number in a filter is a 422, not
# an overflow in the database driver.
MAX_ID = 2**63 - 1


class TaskOut(Schema):
    id: int
    title: str
    title_en: str
    kind: str
    instructions: str
    project_id: int
    organization_id: int
    requires_link: bool
    requires_text: bool
    requires_image: bool
    hours_per_submission: Decimal
    quota_per_volunteer: int
    quota_total: int
    taken: int
    opens_at: dt.datetime
    closes_at: dt.datetime
    qualification_id: int | None
    qualification_name: str | None

    @staticmethod
    def resolve_qualification_name(task: OnlineTask) -> str | None:
        return localized(task.qualification) if task.qualification_id else None


class TaskFilter(Schema):
    kind: TaskKind | None = None
    organization: int | None = Field(None, ge=1, le=MAX_ID)
    page: int = Field(1, ge=1, le=MAX_PAGE)


@router.get("/online-tasks", response=Page[TaskOut], auth=None)
def online_tasks(request: HttpRequest, filters: Query[TaskFilter]):  # type: ignore[no-untyped-def]
    tasks = selectors.task_list(user=current_user(request), kind=filters.kind or "")
    if filters.organization:
        tasks = tasks.filter(organization_id=filters.organization)
    start = (filters.page - 1) * PAGE_SIZE
    return {"items": list(tasks[start : start + PAGE_SIZE]), "count": tasks.count()}


@router.get("/online-tasks/{task_id}", response={200: TaskOut, 404: ErrorOut}, auth=None)
def online_task(request: HttpRequest, task_id: int):  # type: ignore[no-untyped-def]
    return selectors.get_task_for_user(current_user(request), task_id)


class SubmissionOut(Schema):
    id: int
    task_id: int
    volunteer_id: int
    status: str
    claimed_at: dt.datetime
    expires_at: dt.datetime
    submitted_at: dt.datetime | None
    link: str
    text: str
    has_image: bool
    reviewed_at: dt.datetime | None
    review_reason: str
    hours: Decimal | None
    record_id: int | None

    @staticmethod
    def resolve_has_image(submission: Any) -> bool:
        return bool(submission.image)


WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post("/online-tasks/{task_id}/claims", response={201: SubmissionOut, **WRITE_ERRORS}, auth=token_auth)
def claim_task(request: HttpRequest, task_id: int):  # type: ignore[no-untyped-def]
    task = selectors.get_task_for_user(request.auth, task_id)
    return Status(201, services.task_claim(task=task, volunteer=request.auth))


@router.post("/online-tasks/{task_id}/submissions", response={201: SubmissionOut, **WRITE_ERRORS}, auth=token_auth)
def submit_evidence(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    task_id: int,
    link: Form[str] = "",
    text: Form[str] = "",
    image: UploadedFile | None = File(None),  # noqa: B008
):
    """A multipart form with ``link``, ``text`` and ``image`` (JPEG, PNG or WebP), as the task
    asks; a JSON body ``{"link", "text"}`` works too when no image is needed."""
    task = selectors.get_task_for_user(request.auth, task_id)
    if request.content_type == "application/json":
        link, text = _json_evidence(request)
    return Status(201, services.submission_submit(task=task, volunteer=request.auth, link=link, text=text, image=image))


def _json_evidence(request: HttpRequest) -> tuple[str, str]:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise ValidationError({"__all__": [_("The body is not valid JSON.")]}) from None
    if not isinstance(body, dict):
        raise ValidationError({"__all__": [_("The body is not valid JSON.")]})
    return str(body.get("link") or ""), str(body.get("text") or "")


class ReviewIn(Schema):
    accept: bool
    reason: str = Field("", max_length=1000)


@router.post("/submissions/{submission_id}/review", response={200: SubmissionOut, **WRITE_ERRORS}, auth=token_auth)
def review_submission(request: HttpRequest, submission_id: int, payload: ReviewIn):  # type: ignore[no-untyped-def]
    submission = selectors.get_submission_for_user(request.auth, submission_id)
    return services.submission_review(
        submission=submission, reviewer=request.auth, accept=payload.accept, reason=payload.reason
    )


class CourseOut(Schema):
    id: int
    title: str
    title_en: str
    summary: str
    organization_id: int
    pass_mark: int
    credit_hours: Decimal
    qualification_id: int | None
    qualification_name: str | None
    lesson_count: int
    question_count: int

    @staticmethod
    def resolve_qualification_name(course: Any) -> str | None:
        return localized(course.qualification) if course.qualification_id else None


@router.get("/courses", response=Page[CourseOut], auth=None)
def courses(request: HttpRequest, page: int = Query(1, ge=1, le=MAX_PAGE)):  # type: ignore[no-untyped-def]
    queryset = selectors.course_list(user=current_user(request))
    start = (page - 1) * PAGE_SIZE
    return {"items": list(queryset[start : start + PAGE_SIZE]), "count": queryset.count()}


class LessonOut(Schema):
    id: int
    position: int
    title: str
    title_en: str
    body: str
    video_url: str
    has_attachment: bool

    @staticmethod
    def resolve_body(lesson: Any) -> str:
        return str(lesson.body_html)

    @staticmethod
    def resolve_has_attachment(lesson: Any) -> bool:
        return bool(lesson.attachment)


class ChoiceOut(Schema):
    id: int
    text: str
    text_en: str


class QuestionOut(Schema):
    id: int
    text: str
    text_en: str
    kind: str
    choices: list[ChoiceOut]

    @staticmethod
    def resolve_choices(question: Any) -> list[Any]:
        return list(question.choices.all())


class CourseDetailOut(CourseOut):
    lessons: list[LessonOut]
    questions: list[QuestionOut]

    @staticmethod
    def resolve_lessons(course: Any) -> list[Any]:
        return list(selectors.lessons_of(course))

    @staticmethod
    def resolve_questions(course: Any) -> list[Any]:
        return selectors.quiz_of(course)


@router.get("/courses/{course_id}", response={200: CourseDetailOut, 404: ErrorOut}, auth=None)
def course(request: HttpRequest, course_id: int):  # type: ignore[no-untyped-def]
    return selectors.get_course_for_user(current_user(request), course_id)


class AttemptIn(Schema):
    answers: dict[str, list[int] | int]


class AttemptOut(Schema):
    id: int
    course_id: int
    score: int
    is_passed: bool
    correct_count: int
    question_count: int
    created_at: dt.datetime


@router.post("/courses/{course_id}/quiz-attempts", response={201: AttemptOut, **WRITE_ERRORS}, auth=token_auth)
def take_quiz(request: HttpRequest, course_id: int, payload: AttemptIn):  # type: ignore[no-untyped-def]
    found = selectors.get_course_for_user(request.auth, course_id)
    return Status(201, services.quiz_attempt_submit(course=found, volunteer=request.auth, answers=payload.answers))


class QualificationOut(Schema):
    code: str
    name: str
    name_en: str
    granted_at: dt.datetime
    expires_at: dt.datetime | None
    is_valid: bool


@router.get("/me/qualifications", response={200: Page[QualificationOut], 401: ErrorOut}, auth=token_auth)
def my_qualifications(request: HttpRequest):  # type: ignore[no-untyped-def]
    now = dt.datetime.now(dt.UTC)
    items = [
        {
            "code": held.qualification.code, "name": held.qualification.name, "name_en": held.qualification.name_en,
            "granted_at": held.granted_at, "expires_at": held.expires_at,
            "is_valid": held.expires_at is None or held.expires_at > now,
        }
        for held in selectors.qualifications_of(user=request.auth)
    ]
    return {"items": items, "count": len(items)}
