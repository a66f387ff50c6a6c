"""Reads for attendance: the shift fetched for its organizer, the roster, whom a code names."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from civitas.accounts.models import VolunteerProfile
from civitas.attendance import permissions, tokens
from civitas.attendance.models import Attendance
from civitas.ledger.selectors import no_show_counts
from civitas.organizations.permissions import staff_roles_by_organization
from civitas.projects.models import Shift, SignUp, SignUpStatus

ROSTER_STATUSES = [SignUpStatus.CONFIRMED, SignUpStatus.ATTENDED, SignUpStatus.NO_SHOW]


def get_shift(pk: int) -> Shift:
    shift = Shift.objects.select_related("project__organization__region").filter(pk=pk).first()
    if shift is None:
        raise Http404
    return shift


def get_shift_for_organizer(user: Any, pk: int) -> Shift:
    shift = get_shift(pk)
    if not permissions.can_view_attendance(user, shift):
        raise Http404
    return shift


def organizer_shifts(user: Any) -> QuerySet[Shift]:
    """Shifts of the organizations this user runs, from yesterday to a week ahead."""
    now = timezone.now()
    return (
        Shift.objects.filter(
            project__organization_id__in=list(staff_roles_by_organization(user)),
            ends_at__gte=now - dt.timedelta(days=1), starts_at__lte=now + dt.timedelta(days=7),
        )
        .select_related("project")
        .order_by("starts_at")
    )


def roster(shift: Shift) -> list[dict[str, Any]]:
    """Each sign-up with its attendance and the volunteer's no-show count (three queries)."""
    signups = list(
        SignUp.objects.filter(shift=shift, status__in=ROSTER_STATUSES)
        .select_related("volunteer__volunteer")
        .order_by("volunteer__volunteer__real_name", "pk")
    )
    attendances = {a.volunteer_id: a for a in Attendance.objects.filter(shift=shift).select_related("record")}
    no_shows = no_show_counts([s.volunteer_id for s in signups])
    return [
        {"signup": s, "attendance": attendances.get(s.volunteer_id), "no_shows": no_shows.get(s.volunteer_id, 0)}
        for s in signups
    ]


def roster_row(shift: Shift, signup_id: int) -> dict[str, Any]:
    signup = SignUp.objects.select_related("volunteer__volunteer").filter(pk=signup_id, shift=shift).first()
    if signup is None:
        raise Http404
    return {
        "signup": signup,
        "attendance": Attendance.objects.filter(shift=shift, volunteer_id=signup.volunteer_id).select_related("record").first(),
        "no_shows": no_show_counts([signup.volunteer_id]).get(signup.volunteer_id, 0),
    }


def volunteer_for_code(value: str) -> tuple[Any, bool]:
    """The volunteer a typed number or a scanned personal code names; answers (user,
    scanned) or (None, False)."""
    value = (value or "").strip()
    number = tokens.volunteer_number_from_code(value)
    scanned = number is not None
    profile = VolunteerProfile.objects.select_related("user").filter(volunteer_number=number or value).first()
    return (profile.user if profile else None), scanned
