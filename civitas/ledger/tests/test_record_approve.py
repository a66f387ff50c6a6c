import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from civitas.core.errors import Conflict
from civitas.ledger import rules, services
from civitas.ledger.models import (
    HoursRollup,
    LedgerHead,
    ServiceRecord,
    StarLevelEvent,
    VolunteerTotals,
)
from civitas.ledger.tests.factories import approved_record, at, make_project, make_shift


def test_approval_moves_totals_rollup_and_chain(cast):
    record = approved_record(cast.volunteer, cast.org_a, at(1, 9), "3", cast.organizer_a)
    totals = VolunteerTotals.objects.get(volunteer=cast.volunteer)
    assert totals.total_hours == Decimal("3") and totals.approved_records == 1
    rollup = HoursRollup.objects.get(organization=cast.org_a)
    assert (rollup.month, rollup.source, rollup.hours, rollup.approved_records) == (dt.date(2026, 6, 1), "manual", Decimal("3"), 1)
    assert rollup.region_id == cast.org_a.region_id
    assert record.sequence == 1 and record.previous_hash == ""
    assert LedgerHead.objects.get().entry_hash == record.entry_hash
    assert record.events.filter(action="approved", actor=cast.organizer_a).exists()


def test_approving_twice_is_a_conflict(cast):
    record = approved_record(cast.volunteer, cast.org_a, at(1, 9), "3", cast.organizer_a)
    with pytest.raises(Conflict):
        services.record_approve(record=record, approver=cast.organizer_a)


def test_rollups_add_up_per_month_and_source(cast):
    approved_record(cast.volunteer, cast.org_a, at(1, 9), "3", cast.organizer_a)
    approved_record(cast.volunteer2, cast.org_a, at(2, 9), "2", cast.organizer_a)
    approved_record(cast.volunteer, cast.org_a, at(1, 9, month=7), "1", cast.organizer_a)
    june = HoursRollup.objects.get(organization=cast.org_a, month=dt.date(2026, 6, 1))
    assert (june.hours, june.approved_records) == (Decimal("5"), 2)
    assert HoursRollup.objects.count() == 2


def test_star_level_is_reached_and_taken_back_by_a_correction(cast, settings):
    settings.CIVITAS = {**settings.CIVITAS, "STAR_THRESHOLDS": [Decimal("5"), Decimal("10")]}
    approved_record(cast.volunteer, cast.org_a, at(1, 9), "3", cast.organizer_a)
    big = approved_record(cast.volunteer, cast.org_a, at(2, 9), "3", cast.organizer_a)
    assert VolunteerTotals.objects.get(volunteer=cast.volunteer).star_level == 1
    correction = services.record_correct(record=big, hours=Decimal("1"), reason="left early", actor=cast.organizer_a)
    assert correction.hours == Decimal("-2") and correction.corrects_id == big.pk and correction.status == "approved"
    totals = VolunteerTotals.objects.get(volunteer=cast.volunteer)
    assert totals.total_hours == Decimal("4") and totals.star_level == 0 and totals.approved_records == 2
    event = StarLevelEvent.objects.get(volunteer=cast.volunteer, level=1)
    assert event.revoked_at is not None
    big.refresh_from_db()
    assert big.hours == Decimal("3")  # the approved entry itself never changes
    assert HoursRollup.objects.get(organization=cast.org_a).hours == Decimal("4")


def test_a_correction_of_a_correction_corrects_the_original(cast):
    record = approved_record(cast.volunteer, cast.org_a, at(1, 9), "3", cast.organizer_a)
    first = services.record_correct(record=record, hours=Decimal("2"), reason="left early", actor=cast.organizer_a)
    second = services.record_correct(record=first, hours=Decimal("3"), reason="came back", actor=cast.organizer_a)
    assert second.corrects_id == record.pk and second.hours == Decimal("1")
    assert VolunteerTotals.objects.get(volunteer=cast.volunteer).total_hours == Decimal("3")


def test_a_correction_needs_a_reason(cast):
    record = approved_record(cast.volunteer, cast.org_a, at(1, 9), "3", cast.organizer_a)
    with pytest.raises(ValidationError):
        services.record_correct(record=record, hours=Decimal("2"), reason=" ", actor=cast.organizer_a)


def test_shift_approval_skips_flagged_records(cast):
    project = make_project(cast.org_a, cast.organizer_a)
    shift = make_shift(project, at(1, 9))
    plain = services.record_create(volunteer=cast.volunteer, organization=cast.org_a, shift=shift, project=project,
                                   started_at=at(1, 9), ended_at=at(1, 12), hours=Decimal("3"), source="attendance")
    flagged = services.record_create(volunteer=cast.volunteer2, organization=cast.org_a, shift=shift, project=project,
                                     started_at=at(1, 9), ended_at=at(1, 12), hours=Decimal("3"), source="attendance",
                                     flags=[rules.CLOSED_AUTOMATICALLY])
    assert services.shift_records_approve(shift=shift, approver=cast.organizer_a) == 1
    plain.refresh_from_db()
    flagged.refresh_from_db()
    assert (plain.status, flagged.status) == ("approved", "pending")


def test_verify_ledger_passes_on_an_intact_chain(cast, capsys):
    for day in (1, 2, 3):
        approved_record(cast.volunteer, cast.org_a, at(day, 9), "3", cast.organizer_a)
    call_command("verify_ledger")
    assert "3 chained entries" in capsys.readouterr().out


def test_verify_ledger_fails_when_a_record_is_edited_in_the_database(cast):
    record = approved_record(cast.volunteer, cast.org_a, at(1, 9), "3", cast.organizer_a)
    approved_record(cast.volunteer, cast.org_a, at(2, 9), "3", cast.organizer_a)
    ServiceRecord.objects.filter(pk=record.pk).update(hours=Decimal("30"))
    with pytest.raises(CommandError):
        call_command("verify_ledger")
    with translation.override("en"):
        assert any("changed" in p for p in services.ledger_verify())


def test_verify_ledger_finds_a_deleted_entry(cast):
    approved_record(cast.volunteer, cast.org_a, at(1, 9), "3", cast.organizer_a)
    middle = approved_record(cast.volunteer, cast.org_a, at(2, 9), "3", cast.organizer_a)
    approved_record(cast.volunteer, cast.org_a, at(3, 9), "3", cast.organizer_a)
    middle.events.all().delete()
    ServiceRecord.objects.filter(pk=middle.pk).delete()
    with translation.override("en"):
        assert any("missing" in p for p in services.ledger_verify())


def test_verify_ledger_finds_the_newest_entry_deleted(cast):
    approved_record(cast.volunteer, cast.org_a, at(1, 9), "3", cast.organizer_a)
    last = approved_record(cast.volunteer, cast.org_a, at(2, 9), "3", cast.organizer_a)
    last.events.all().delete()
    ServiceRecord.objects.filter(pk=last.pk).delete()
    assert services.ledger_verify()


def test_verify_ledger_finds_an_entry_inserted_behind_the_application(cast):
    record = approved_record(cast.volunteer, cast.org_a, at(1, 9), "3", cast.organizer_a)
    ServiceRecord.objects.create(
        volunteer=cast.volunteer, organization=cast.org_a, region=cast.org_a.region, started_at=at(5, 9),
        ended_at=at(5, 10), hours=Decimal("1"), source="manual", status="approved", sequence=2,
        previous_hash=record.entry_hash, entry_hash="0" * 64,
    )
    assert services.ledger_verify()


def test_rebuild_totals_equals_what_was_kept(cast, settings):
    settings.CIVITAS = {**settings.CIVITAS, "STAR_THRESHOLDS": [Decimal("5"), Decimal("10")]}
    approved_record(cast.volunteer, cast.org_a, at(1, 9), "4", cast.organizer_a)
    record = approved_record(cast.volunteer, cast.org_b, at(2, 9), "4", cast.organizer_b)
    approved_record(cast.volunteer2, cast.org_a, at(3, 9), "2", cast.organizer_a)
    services.record_correct(record=record, hours=Decimal("3"), reason="typo", actor=cast.organizer_b)
    fields = ["volunteer_id", "total_hours", "year", "year_hours", "approved_records", "star_level", "last_served_at"]
    kept = sorted(VolunteerTotals.objects.values_list(*fields))
    rollups = sorted(HoursRollup.objects.values_list("organization_id", "region_id", "month", "source", "hours", "approved_records"))
    VolunteerTotals.objects.update(total_hours=0, star_level=0, year_hours=0, approved_records=0)
    call_command("rebuild_totals")
    assert sorted(VolunteerTotals.objects.values_list(*fields)) == kept
    assert sorted(HoursRollup.objects.values_list("organization_id", "region_id", "month", "source", "hours", "approved_records")) == rollups
    assert StarLevelEvent.objects.filter(volunteer=cast.volunteer, revoked_at__isnull=True).count() == 1
