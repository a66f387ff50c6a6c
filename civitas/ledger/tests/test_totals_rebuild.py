"""``totals_rebuild`` and ``rollups_rebuild`` (``manage.py rebuild_totals``) recompute in
the database what approvals and corrections keep one entry at a time: they must agree
to the cent, in local time, star levels and their history included."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from civitas.conftest import make_volunteer
from civitas.ledger import services
from civitas.ledger.models import HoursRollup, ServiceRecord, StarLevelEvent, VolunteerTotals
from civitas.ledger.tests.factories import at

NOW = at(20, 12)
TOTALS = ["volunteer_id", "total_hours", "year", "year_hours", "approved_records", "star_level", "last_served_at"]
ROLLUP = ["organization_id", "region_id", "month", "source", "hours", "approved_records"]


@pytest.fixture(autouse=True)
def frozen_time() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def thresholds(settings: Any) -> None:
    settings.CIVITAS = {**settings.CIVITAS, "STAR_THRESHOLDS": [Decimal("5"), Decimal("10")]}


def approved_record(
    volunteer: Any, organization: Any, start: dt.datetime, hours: str, approver: Any, source: str = "manual"
) -> ServiceRecord:
    record = services.record_create(
        volunteer=volunteer, organization=organization, started_at=start,
        ended_at=start + dt.timedelta(hours=float(Decimal(hours))), hours=Decimal(hours), source=source,
        created_by=approver,
    )
    return services.record_approve(record=record, approver=approver)


def kept() -> tuple[list[Any], list[Any], list[Any]]:
    return (
        sorted(VolunteerTotals.objects.values_list(*TOTALS)),
        sorted(HoursRollup.objects.values_list(*ROLLUP)),
        sorted(StarLevelEvent.objects.filter(revoked_at__isnull=True).values_list("volunteer_id", "level", "reached_at")),
    )


def test_rebuild_equals_what_approvals_and_corrections_kept(cast, thresholds):
    # given: service on both sides of a local new year and a local month's end, a
    # correction taking hours (and a star) back, a correction of that correction, and a
    # volunteer without a home community
    nowhere = make_volunteer("无社区", "13900000079")
    approved_record(cast.volunteer, cast.org_a, at(31, 20, 0, month=12, year=2025), "2.5", cast.organizer_a)
    approved_record(cast.volunteer, cast.org_a, at(1, 0, 30, month=1), "3.5", cast.organizer_a)
    big = approved_record(cast.volunteer, cast.org_b, at(31, 23, 0, month=5), "5.5", cast.organizer_b)
    approved_record(cast.volunteer2, cast.org_a, at(1, 0, 15), "4", cast.organizer_a, source="online")
    approved_record(nowhere, cast.org_b, at(2, 9), "6", cast.organizer_b)
    first = services.record_correct(record=big, hours=Decimal("1.5"), reason="left early", actor=cast.organizer_b)
    services.record_correct(record=first, hours=Decimal("2"), reason="came back", actor=cast.organizer_b)
    before = kept()
    assert VolunteerTotals.objects.get(volunteer=cast.volunteer).star_level == 1
    assert StarLevelEvent.objects.filter(volunteer=cast.volunteer, level=2, revoked_at__isnull=False).exists()

    # when: the derived rows are lost and rebuilt
    VolunteerTotals.objects.all().delete()
    HoursRollup.objects.all().delete()
    changed = services.totals_rebuild()
    rollups = services.rollups_rebuild()

    # then
    assert kept() == before
    assert (changed, rollups) == (3, len(before[1]))
    assert services.totals_rebuild() == 0
    volunteer = VolunteerTotals.objects.get(volunteer=cast.volunteer)
    assert (volunteer.total_hours, volunteer.year_hours, volunteer.approved_records) == (
        Decimal("8.00"), Decimal("5.50"), 3
    )
    assert HoursRollup.objects.get(organization=cast.org_a, source="online").month == dt.date(2026, 6, 1)


def test_rebuild_corrects_drifted_totals_and_counts_them(cast, thresholds):
    approved_record(cast.volunteer, cast.org_a, at(1, 9), "4", cast.organizer_a)
    approved_record(cast.volunteer2, cast.org_a, at(2, 9), "2", cast.organizer_a)
    stray = make_volunteer("无记录", "13900000080")
    before = kept()
    VolunteerTotals.objects.filter(volunteer=cast.volunteer).update(total_hours=Decimal("40"), star_level=2)
    VolunteerTotals.objects.create(volunteer=stray, total_hours=Decimal("3"), year=2026, approved_records=1)

    call_command("rebuild_totals", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert sorted(VolunteerTotals.objects.exclude(volunteer=stray).values_list(*TOTALS)) == before[0]
    assert VolunteerTotals.objects.filter(
        volunteer=stray, total_hours=0, year_hours=0, approved_records=0, star_level=0, last_served_at=None
    ).exists()
    assert services.totals_rebuild() == 0


def test_rebuild_revokes_levels_not_held_and_dates_levels_never_recorded_now(cast, thresholds):
    # given: 6 hours, level 1 reached on approval; its event lost, and a level 2 event
    # that the ledger does not support
    with time_machine.travel(at(1, 12), tick=False):
        approved_record(cast.volunteer, cast.org_a, at(1, 9), "6", cast.organizer_a)
    StarLevelEvent.objects.filter(volunteer=cast.volunteer).delete()
    wrong = StarLevelEvent.objects.create(volunteer=cast.volunteer, level=2, reached_at=at(3, 9))
    kept_elsewhere = StarLevelEvent.objects.create(volunteer=cast.volunteer2, level=1, reached_at=at(3, 9))

    services.totals_rebuild()

    wrong.refresh_from_db()
    kept_elsewhere.refresh_from_db()
    assert wrong.revoked_at == NOW
    # volunteer2 has no totals and no entries: their history is not touched
    assert kept_elsewhere.revoked_at is None
    assert list(
        StarLevelEvent.objects.filter(volunteer=cast.volunteer, revoked_at__isnull=True).values_list("level", "reached_at")
    ) == [(1, NOW)]
