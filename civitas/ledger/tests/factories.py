"""Projects, shifts and sign-ups made directly (the projects services are built in
parallel), and records pushed through the ledger services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from civitas.ledger import services
from civitas.ledger.models import ServiceRecord
from civitas.projects.models import Project, Shift, SignUp

LOCAL = timezone.get_fixed_timezone(8 * 60)


def at(day: int, hour: int, minute: int = 0, month: int = 6, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def make_project(organization: Any, created_by: Any, title: str = "社区关爱行动") -> Project:
    return Project.objects.create(
        organization=organization, region=organization.region, title=title, title_en="Community care",
        category="community", status="recruiting", created_by=created_by,
    )


def make_shift(project: Project, starts_at: dt.datetime, hours: int = 3, **extra: Any) -> Shift:
    extra.setdefault("capacity", 20)
    return Shift.objects.create(
        project=project, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=hours),
        hours_credited=Decimal(hours), **extra,
    )


def sign_up(shift: Shift, volunteer: Any, status: str = "confirmed") -> SignUp:
    return SignUp.objects.create(shift=shift, volunteer=volunteer, status=status)


def approved_record(volunteer: Any, organization: Any, start: dt.datetime, hours: str | Decimal, approver: Any,
                    **extra: Any) -> ServiceRecord:
    record = services.record_create(
        volunteer=volunteer, organization=organization, started_at=start,
        ended_at=start + dt.timedelta(hours=float(Decimal(hours))), hours=Decimal(hours), source="manual",
        created_by=approver, **extra,
    )
    return services.record_approve(record=record, approver=approver)
