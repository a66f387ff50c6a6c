from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from civitas.core.errors import Conflict
from civitas.ledger import services
from civitas.ledger.models import Appeal, VolunteerTotals
from civitas.ledger.tests.factories import at, make_project, make_shift, sign_up


def rejected(cast):
    record = services.record_create(volunteer=cast.volunteer, organization=cast.org_a, started_at=at(1, 9),
                                    ended_at=at(1, 12), hours=Decimal("3"), source="manual")
    return services.record_reject(record=record, approver=cast.organizer_a, reason="not on the roster")


def test_a_rejected_record_is_appealed_once_to_the_committee(cast):
    record = rejected(cast)
    appeal = services.appeal_create(record=record, volunteer=cast.volunteer, reason="I was there, ask the team lead")
    assert appeal.level == "committee"
    with pytest.raises(Conflict):
        services.appeal_create(record=record, volunteer=cast.volunteer, reason="again")


def test_only_the_volunteer_appeals(cast):
    with pytest.raises(PermissionDenied):
        services.appeal_create(record=rejected(cast), volunteer=cast.volunteer2, reason="x")


def test_upholding_an_appeal_credits_the_hours(cast):
    appeal = services.appeal_create(record=rejected(cast), volunteer=cast.volunteer, reason="I was there")
    services.appeal_answer(appeal=appeal, actor=cast.district_staff, uphold=True, answer="The team lead confirms it.")
    appeal.refresh_from_db()
    assert appeal.status == "upheld" and appeal.resulting_record.status == "approved"
    assert VolunteerTotals.objects.get(volunteer=cast.volunteer).total_hours == Decimal("3")


def test_an_answer_needs_a_reason(cast):
    appeal = services.appeal_create(record=rejected(cast), volunteer=cast.volunteer, reason="I was there")
    with pytest.raises(ValidationError):
        services.appeal_answer(appeal=appeal, actor=cast.district_staff, uphold=False, answer="")


def test_committee_of_another_district_cannot_answer(cast):
    appeal = services.appeal_create(record=rejected(cast), volunteer=cast.volunteer, reason="I was there")
    response = cast.client_for(cast.other_district_staff).post(
        reverse("ledger:appeal_answer", args=[appeal.pk]), {"uphold": "1", "answer": "ok"})
    assert response.status_code == 404
    response = cast.client_for(cast.organizer_a).post(
        reverse("ledger:appeal_answer", args=[appeal.pk]), {"uphold": "1", "answer": "ok"})
    assert response.status_code == 404
    appeal.refresh_from_db()
    assert appeal.status == "open"


def test_committee_answers_from_its_queue(cast):
    appeal = services.appeal_create(record=rejected(cast), volunteer=cast.volunteer, reason="I was there")
    client = cast.client_for(cast.district_staff)
    assert "I was there" in client.get(reverse("ledger:committee_queue")).content.decode()
    client.post(reverse("ledger:appeal_answer", args=[appeal.pk]), {"uphold": "0", "answer": "No one saw you."})
    appeal.refresh_from_db()
    assert appeal.status == "dismissed" and appeal.answer == "No one saw you."


def test_volunteer_appeals_from_the_record_page(cast):
    record = rejected(cast)
    client = cast.client_for(cast.volunteer)
    assert "appeal" in client.get(reverse("ledger:record", args=[record.pk])).content.decode().lower()
    client.post(reverse("ledger:record_appeal", args=[record.pk]), {"reason": "I was there"})
    assert Appeal.objects.filter(record=record).exists()


def test_missing_hours_are_reported_once_per_shift(cast):
    shift = make_shift(make_project(cast.org_a, cast.organizer_a), at(1, 9), hours=3)
    sign_up(shift, cast.volunteer, status="no_show")
    with time_machine.travel(at(5, 9), tick=False):
        appeal = services.missing_hours_report(volunteer=cast.volunteer, shift=shift, hours=Decimal("3"),
                                               reason="The kiosk was offline")
        assert appeal.kind == "missing_hours" and appeal.level == "committee"
        with pytest.raises(Conflict):
            services.missing_hours_report(volunteer=cast.volunteer, shift=shift, hours=Decimal("3"), reason="again")
        with pytest.raises(ValidationError):
            services.missing_hours_report(volunteer=cast.volunteer2, shift=shift, hours=Decimal("3"), reason="me too")


def test_missing_hours_page_sends_a_report(cast):
    shift = make_shift(make_project(cast.org_a, cast.organizer_a), at(1, 9), hours=3)
    sign_up(shift, cast.volunteer, status="attended")
    client = cast.client_for(cast.volunteer)
    with time_machine.travel(at(5, 9), tick=False):
        assert client.get(reverse("ledger:missing_hours")).status_code == 200
        response = client.post(reverse("ledger:missing_hours"), {"shift": shift.pk, "hours": "3", "reason": "offline"})
    assert response.status_code == 302
    assert Appeal.objects.get().kind == "missing_hours"
