"""Reads for online tasks, submissions, courses and participation figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from civitas.accounts.models import VolunteerProfile, VolunteerQualification
from civitas.online import permissions
from civitas.online.models import (
    Course,
    Lesson,
    OnlineTask,
    Question,
    QuizAttempt,
    Submission,
    SubmissionStatus,
)
from civitas.organizations.models import Organization, OrganizationStatus, Region, RegionLevel
from civitas.organizations.permissions import staff_roles_by_organization, watched_region
from civitas.projects.models import ProjectStatus

ACTIVE_PROJECT_STATUSES = (ProjectStatus.RECRUITING, ProjectStatus.IN_PROGRESS)


def _visible_tasks(user: Any) -> Q:
    visible = Q(project__status__in=ACTIVE_PROJECT_STATUSES, organization__status=OrganizationStatus.APPROVED)
    staff_of = staff_roles_by_organization(user)
    if staff_of:
        visible |= Q(organization_id__in=staff_of.keys())
    watched = watched_region(user)
    if watched is not None:
        visible |= Q(organization__region__path__startswith=watched.path)
    return visible


def task_list(*, user: Any, kind: str = "", organization: Organization | None = None,
              open_only: bool = True) -> QuerySet[OnlineTask]:
    """Tasks a user may see, each with ``taken`` (places held in its total quota)."""
    now = timezone.now()
    tasks = OnlineTask.objects.filter(_visible_tasks(user)).select_related("organization", "qualification", "project")
    if open_only:
        tasks = tasks.filter(closes_at__gt=now)
    if kind:
        tasks = tasks.filter(kind=kind)
    if organization is not None:
        tasks = tasks.filter(organization=organization)
    return tasks.annotate(
        taken=Count(
            "submissions",
            filter=Q(submissions__status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED])
            | Q(submissions__status=SubmissionStatus.CLAIMED, submissions__expires_at__gt=now),
        )
    ).order_by("closes_at", "pk")


def get_task_for_user(user: Any, pk: int) -> OnlineTask:
    task = task_list(user=user, open_only=False).filter(pk=pk).first()
    if task is None:
        raise Http404
    return task


def submissions_of(*, user: Any, task: OnlineTask | None = None) -> QuerySet[Submission]:
    submissions = Submission.objects.filter(volunteer=user).select_related("task", "organization")
    if task is not None:
        submissions = submissions.filter(task=task)
    return submissions.order_by("-claimed_at", "-pk")


def review_queue(*, user: Any, status: str = SubmissionStatus.SUBMITTED) -> QuerySet[Submission]:
    """Submissions waiting for the user's organizations, oldest first."""
    return (
        Submission.objects.filter(organization_id__in=staff_roles_by_organization(user).keys(), status=status)
        .select_related("task", "volunteer__volunteer", "organization")
        .order_by("submitted_at", "pk")
    )


def get_submission_for_user(user: Any, pk: int) -> Submission:
    submission = (
        Submission.objects.select_related("task", "organization__region", "volunteer__volunteer", "reviewed_by")
        .filter(pk=pk)
        .first()
    )
    if submission is None or not permissions.can_view_submission(user, submission):
        raise Http404
    return submission


# --- Training --------------------------------------------------------------------------


def course_list(*, user: Any = None) -> QuerySet[Course]:
    visible = Q(is_published=True, organization__status=OrganizationStatus.APPROVED)
    staff_of = staff_roles_by_organization(user)
    if staff_of:
        visible |= Q(organization_id__in=staff_of.keys())
    return (
        Course.objects.filter(visible)
        .select_related("organization", "qualification")
        .annotate(lesson_count=Count("lessons", distinct=True), question_count=Count("questions", distinct=True))
        .order_by("-created_at", "-pk")
    )


def get_course_for_user(user: Any, pk: int) -> Course:
    course = course_list(user=user).filter(pk=pk).first()
    if course is None:
        raise Http404
    return course


def lessons_of(course: Course) -> QuerySet[Lesson]:
    return course.lessons.order_by("position", "pk")


def quiz_of(course: Course) -> list[Question]:
    return list(course.questions.order_by("position", "pk").prefetch_related("choices"))


def attempts_of(*, user: Any, course: Course) -> QuerySet[QuizAttempt]:
    return QuizAttempt.objects.filter(volunteer=user, course=course).order_by("-created_at", "-pk")


def qualifications_of(*, user: Any) -> QuerySet[VolunteerQualification]:
    return (
        VolunteerQualification.objects.filter(user=user)
        .select_related("qualification")
        .order_by("qualification__code")
    )


def holds(*, user: Any, qualification_id: int | None) -> bool:
    if qualification_id is None:
        return True
    if not (user and user.is_authenticated):
        return False
    return VolunteerQualification.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()), user=user, qualification_id=qualification_id
    ).exists()


# --- Participation ---------------------------------------------------------------------


def _district_of(region: Region, by_id: dict[int, Region]) -> Region | None:
    ids = [int(part) for part in region.path.strip("/").split("/") if part]
    for region_id in ids:
        candidate = by_id.get(region_id)
        if candidate is not None and candidate.level == RegionLevel.DISTRICT:
            return candidate
    return None


def participation(region: Region | None = None, organization: Organization | None = None,
                  *, limit: int = 10) -> dict[str, Any]:
    """Accepted online submissions and the hours they credited (source "online"), by
    volunteer, organization and district. A handful of grouped queries on the
    (status, organization) and (volunteer, status) indexes, cached for a few minutes."""
    key = f"online:participation:{get_language()}:{region.pk if region else '-'}:{organization.pk if organization else '-'}:{limit}"
    figures = cache.get(key)
    if figures is not None:
        return figures
    accepted = Submission.objects.filter(status=SubmissionStatus.ACCEPTED)
    if organization is not None:
        accepted = accepted.filter(organization=organization)
    if region is not None:
        accepted = accepted.filter(organization__region__path__startswith=region.path)
    totals = accepted.aggregate(submissions=Count("pk"), hours=Sum("hours"), volunteers=Count("volunteer", distinct=True))

    by_volunteer_rows = list(
        accepted.values("volunteer_id").annotate(submissions=Count("pk"), hours=Sum("hours"))
        .order_by("-hours", "-submissions", "volunteer_id")[:limit]
    )
    names = {
        user_id: _public_name(display_name, real_name)
        for user_id, display_name, real_name in VolunteerProfile.objects.filter(
            user_id__in=[row["volunteer_id"] for row in by_volunteer_rows]
        ).values_list("user_id", "display_name", "real_name")
    }
    by_volunteer = [
        {"volunteer_id": row["volunteer_id"], "name": names.get(row["volunteer_id"], "—"),
         "submissions": row["submissions"], "hours": _hours(row["hours"])}
        for row in by_volunteer_rows
    ]

    organization_rows = list(
        accepted.values("organization_id").annotate(submissions=Count("pk"), hours=Sum("hours"))
        .order_by("-hours", "organization_id")
    )
    organizations = Organization.objects.select_related("region").in_bulk([row["organization_id"] for row in organization_rows])
    by_organization = [
        {"organization_id": row["organization_id"], "name": str(organizations[row["organization_id"]]),
         "submissions": row["submissions"], "hours": _hours(row["hours"])}
        for row in organization_rows[:limit]
    ]
    district_ids = {
        int(part)
        for organization_row in organizations.values()
        for part in organization_row.region.path.strip("/").split("/")[:2]
        if part
    }
    regions = Region.objects.in_bulk(district_ids)
    by_district_map: dict[int, dict[str, Any]] = {}
    for row in organization_rows:
        district = _district_of(organizations[row["organization_id"]].region, regions)
        if district is None:
            continue
        entry = by_district_map.setdefault(
            district.pk, {"region_id": district.pk, "name": str(district), "submissions": 0, "hours": Decimal("0")}
        )
        entry["submissions"] += row["submissions"]
        entry["hours"] += _hours(row["hours"])
    figures = {
        "accepted_submissions": totals["submissions"] or 0,
        "hours": _hours(totals["hours"]),
        "volunteers": totals["volunteers"] or 0,
        "by_volunteer": by_volunteer,
        "by_organization": by_organization,
        "by_district": sorted(by_district_map.values(), key=lambda e: (-e["hours"], e["region_id"])),
    }
    cache.set(key, figures, settings.CIVITAS_ONLINE["PARTICIPATION_CACHE_SECONDS"])
    return figures


def _hours(value: Decimal | None) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _public_name(display_name: str | None, real_name: str | None) -> str:
    """Leaderboards are public: a display name, or the surname alone."""
    if display_name:
        return display_name
    if real_name:
        return real_name[0] + "*" * (len(real_name) - 1)
    return "—"

