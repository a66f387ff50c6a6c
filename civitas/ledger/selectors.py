"""Reads of the ledger: scoped lists, review queues, a volunteer's figures."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from civitas.ledger import permissions
from civitas.ledger.models import (
    Appeal,
    AppealLevel,
    AppealStatus,
    Certificate,
    RecordStatus,
    ReviewLevel,
    ServiceRecord,
    VolunteerTotals,
)
from civitas.organizations.permissions import (
    is_city_staff,
    is_committee_staff,
    staff_roles_by_organization,
    watched_region,
)

RECORD_RELATED = ("volunteer__volunteer", "organization", "project", "shift", "region")


def records_visible_to(user: Any) -> QuerySet[ServiceRecord]:
    """Volunteers see their own entries, organization staff their organizations',
    committee staff and auditors everything in their region."""
    if not (user and user.is_authenticated):
        return ServiceRecord.objects.none()
    scope = Q(volunteer=user)
    staff_of = staff_roles_by_organization(user)
    if staff_of:
        scope |= Q(organization_id__in=list(staff_of))
    region = watched_region(user)
    if region is not None:
        scope |= Q(region__path__startswith=region.path)
    return ServiceRecord.objects.filter(scope)


def get_record_for_user(user: Any, pk: int) -> ServiceRecord:
    record = ServiceRecord.objects.select_related(*RECORD_RELATED).filter(pk=pk).first()
    if record is None or not permissions.can_view_record(user, record):
        raise Http404
    return record


def review_queue(user: Any) -> QuerySet[ServiceRecord]:
    """Pending entries this user may read in a review queue: their organizations'
    organization-level entries, and for the committee (and auditors) the region's
    committee-level and flagged entries. Flagged entries first."""
    if not (user and user.is_authenticated):
        return ServiceRecord.objects.none()
    scope = Q(pk__in=[])
    staff_of = staff_roles_by_organization(user)
    if staff_of:
        scope |= Q(organization_id__in=list(staff_of), review_level=ReviewLevel.ORGANIZATION)
    region = watched_region(user)
    if region is not None:
        scope |= Q(region__path__startswith=region.path) & (Q(review_level=ReviewLevel.COMMITTEE) | ~Q(flags=[]))
    return (
        ServiceRecord.objects.filter(scope, status=RecordStatus.PENDING)
        .select_related(*RECORD_RELATED)
        .order_by("review_level", "-started_at", "pk")
    )


def open_appeals_for(user: Any) -> QuerySet[Appeal]:
    """Open appeals this user may answer (or, as an auditor, read)."""
    if not (user and user.is_authenticated):
        return Appeal.objects.none()
    scope = Q(pk__in=[])
    region = watched_region(user)
    if region is not None:
        scope |= Q(level=AppealLevel.COMMITTEE, region__path__startswith=region.path)
        if is_city_staff(user) or not is_committee_staff(user):
            scope |= Q(level=AppealLevel.CITY, region__path__startswith=region.path)
    staff_of = staff_roles_by_organization(user)
    if staff_of:
        scope |= Q(level=AppealLevel.ORGANIZATION, organization_id__in=list(staff_of))
    return (
        Appeal.objects.filter(scope, status=AppealStatus.OPEN)
        .select_related("volunteer__volunteer", "organization", "project", "shift", "record")
        .order_by("created_at", "pk")
    )


def get_appeal_for_user(user: Any, pk: int) -> Appeal:
    appeal = Appeal.objects.select_related("volunteer__volunteer", "organization", "region", "record").filter(pk=pk).first()
    if appeal is None or not permissions.can_view_appeal(user, appeal):
        raise Http404
    return appeal


@dataclass
class HoursSummary:
    total_hours: Decimal
    year_hours: Decimal
    star_level: int
    approved_records: int
    next_threshold: Decimal | None
    hours_to_next: Decimal | None


def hours_summary(user: Any) -> HoursSummary:
    totals = VolunteerTotals.objects.filter(volunteer=user).first()
    year = timezone.localdate().year
    total = totals.total_hours if totals else Decimal("0")
    year_hours = totals.year_hours if totals and totals.year == year else Decimal("0")
    level = totals.star_level if totals else 0
    thresholds = list(settings.CIVITAS["STAR_THRESHOLDS"])
    next_threshold = thresholds[level] if level < len(thresholds) else None
    return HoursSummary(
        total_hours=total,
        year_hours=year_hours,
        star_level=level,
        approved_records=totals.approved_records if totals else 0,
        next_threshold=next_threshold,
        hours_to_next=(next_threshold - total) if next_threshold is not None else None,
    )


def my_records(user: Any) -> QuerySet[ServiceRecord]:
    return (
        ServiceRecord.objects.filter(volunteer=user)
        .select_related("organization", "project", "shift")
        .prefetch_related("appeal")
        .order_by("-started_at", "-pk")
    )


def my_certificates(user: Any) -> QuerySet[Certificate]:
    return Certificate.objects.filter(volunteer=user).order_by("-issued_at")


def no_show_counts(volunteer_ids: list[int]) -> dict[int, int]:
    """How often each volunteer signed up and did not come (shown to organizers)."""
    from civitas.projects.models import SignUp, SignUpStatus

    rows = (
        SignUp.objects.filter(volunteer_id__in=volunteer_ids, status=SignUpStatus.NO_SHOW)
        .values("volunteer_id")
        .annotate(count=Count("id"))
    )
    return {row["volunteer_id"]: row["count"] for row in rows}
