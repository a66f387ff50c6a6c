"""The ledger's sensitive actions are written to the audit trail (docs/security.md)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from civitas.accounts.models import AuditEntry
from civitas.ledger import certificates, services
from civitas.ledger.imports import records_import
from civitas.ledger.tests.factories import approved_record, at


def entries(action):
    return list(AuditEntry.objects.filter(action=action))


def pending(cast, day=1, hours="3"):
    return services.record_create(volunteer=cast.volunteer, organization=cast.org_a, started_at=at(day, 9),
                                  ended_at=at(day, 9) + dt.timedelta(hours=float(hours)), hours=Decimal(hours),
                                  source="manual")


def test_approval_rejection_and_correction_are_audited_in_the_records_region(cast):
    approved = services.record_approve(record=pending(cast, 1), approver=cast.organizer_a)
    services.record_reject(record=pending(cast, 2), approver=cast.organizer_a, reason="不在名单上")
    services.record_correct(record=approved, hours=Decimal("2"), reason="提前离开", actor=cast.district_staff)
    (approval,) = [e for e in entries("record.approve") if e.target_id == str(approved.pk)]
    assert approval.actor == cast.organizer_a and approval.details["hours"] == "3.00"
    assert approval.region_path == cast.org_a.region.path
    (rejection,) = entries("record.reject")
    assert rejection.details["reason"] == "不在名单上"
    (correction,) = entries("record.correct")
    assert correction.actor == cast.district_staff and (correction.details["from"], correction.details["to"]) == (
        "3.00", "2.00")


def test_a_refused_decision_leaves_no_entry(cast):
    record = pending(cast)
    with pytest.raises(ValidationError):
        services.record_reject(record=record, approver=cast.organizer_a, reason=" ")
    assert not AuditEntry.objects.filter(action__startswith="record.").exists()


def test_appeal_answers_are_audited(cast):
    record = services.record_reject(record=pending(cast), approver=cast.organizer_a, reason="不在名单上")
    appeal = services.appeal_create(record=record, volunteer=cast.volunteer, reason="我在场")
    services.appeal_answer(appeal=appeal, actor=cast.district_staff, uphold=True, answer="队长证实在场")
    (entry,) = entries("appeal.uphold")
    assert entry.actor == cast.district_staff and entry.details["record_id"] is not None


def test_certificate_revocation_is_audited(cast):
    approved_record(cast.volunteer, cast.org_a, at(1, 9), "3", cast.organizer_a)
    with time_machine.travel(at(20, 9), tick=False):
        certificate = certificates.certificate_issue(volunteer=cast.volunteer, period_start=dt.date(2026, 6, 1),
                                                     period_end=dt.date(2026, 6, 10))
    certificates.certificate_revoke(certificate=certificate, actor=cast.city_staff, reason="重复开具")
    (entry,) = entries("certificate.revoke")
    assert entry.actor == cast.city_staff and entry.details["code"] == certificate.code


def test_an_import_is_audited_once_and_a_refused_one_not_at_all(cast):
    number = cast.volunteer.volunteer.volunteer_number
    good = f"志愿者编号,开始时间,结束时间,时长\n{number},2025-03-01 09:00,2025-03-01 12:00,3\n".encode()
    bad = good + b"V-NOBODY,2025-03-03 09:00,2025-03-03 11:00,2\n"
    records_import(organization=cast.org_a, uploader=cast.organizer_a, name="bad.csv", content=bad)
    assert entries("record.import") == []
    records_import(organization=cast.org_a, uploader=cast.organizer_a, name="good.csv", content=good)
    (entry,) = entries("record.import")
    assert entry.details["saved"] == 1 and entry.details["file"] == "good.csv"
    assert entry.target_id == str(cast.org_a.pk)
