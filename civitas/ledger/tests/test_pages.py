import html
from decimal import Decimal

from django.urls import reverse
from django.utils import translation

from civitas.core.testing import query_budget
from civitas.ledger import rules, services
from civitas.ledger.tests.factories import approved_record, at


def pending(cast, organization, start=None, hours="3", **extra):
    start = start or at(1, 9)
    return services.record_create(volunteer=cast.volunteer, organization=organization, started_at=start,
                                  ended_at=start.replace(hour=start.hour + 3), hours=Decimal(hours), source="manual", **extra)


def test_my_hours_shows_totals_next_star_and_records(cast):
    for day in range(1, 6):
        approved_record(cast.volunteer, cast.org_a, at(day, 9), "3", cast.organizer_a)
    client = cast.client_for(cast.volunteer)
    with query_budget(14):
        page = client.get(reverse("ledger:my_hours"))
    text = page.content.decode()
    assert "15" in text and "85" in text  # 15 hours, 85 to the first star at 100


def test_organizer_queue_names_the_rule(cast):
    pending(cast, cast.org_a, flags=[rules.CLOSED_AUTOMATICALLY])
    page = cast.client_for(cast.organizer_a).get(reverse("ledger:review_queue"))
    with translation.override("zh-hans"):
        label = html.escape(str(rules.RULE_LABELS[rules.CLOSED_AUTOMATICALLY]))
    assert label in page.content.decode()


def test_organizer_queue_shows_only_their_organization(cast):
    pending(cast, cast.org_b)
    page = cast.client_for(cast.organizer_a).get(reverse("ledger:review_queue"))
    assert "春雨" not in page.content.decode()


def test_review_queue_keeps_its_query_budget(cast):
    for day in range(1, 9):
        pending(cast, cast.org_a, start=at(day, 9))
    client = cast.client_for(cast.organizer_a)
    with query_budget(14):
        assert client.get(reverse("ledger:review_queue")).status_code == 200


def test_volunteers_have_no_review_queue(cast):
    assert cast.client_for(cast.volunteer).get(reverse("ledger:review_queue")).status_code == 403
    assert cast.client_for(cast.organizer_a).get(reverse("ledger:committee_queue")).status_code == 403


def test_committee_queue_holds_committee_level_records_of_its_region(cast):
    services.record_create(volunteer=cast.volunteer, organization=cast.org_a, started_at=at(1, 6), ended_at=at(1, 14),
                           hours=Decimal("8"), source="manual")
    record = services.record_create(volunteer=cast.volunteer, organization=cast.org_a, started_at=at(1, 14),
                                    ended_at=at(1, 19), hours=Decimal("5"), source="manual")
    assert f'/hours/records/{record.pk}/' in cast.client_for(cast.district_staff).get(reverse("ledger:committee_queue")).content.decode()
    assert f'/hours/records/{record.pk}/' not in cast.client_for(cast.other_district_staff).get(reverse("ledger:committee_queue")).content.decode()
    auditor_page = cast.client_for(cast.auditor).get(reverse("ledger:committee_queue")).content.decode()
    assert f'/hours/records/{record.pk}/' in auditor_page and "record_decide" not in auditor_page
    assert f'/hours/records/{record.pk}/decide/' not in auditor_page


def test_organizer_rejects_with_a_reason_from_the_record_page(cast):
    record = pending(cast, cast.org_a)
    client = cast.client_for(cast.organizer_a)
    client.post(reverse("ledger:record_decide", args=[record.pk]), {"action": "reject", "reason": ""})
    record.refresh_from_db()
    assert record.status == "pending"
    client.post(reverse("ledger:record_decide", args=[record.pk]), {"action": "reject", "reason": "wrong day"})
    record.refresh_from_db()
    assert record.status == "rejected" and record.decision_reason == "wrong day"


def test_outsiders_cannot_see_or_decide_a_record(cast):
    record = pending(cast, cast.org_a)
    assert cast.client_for(cast.volunteer2).get(reverse("ledger:record", args=[record.pk])).status_code == 404
    assert cast.client_for(cast.organizer_b).post(reverse("ledger:record_decide", args=[record.pk]),
                                                  {"action": "approve"}).status_code == 404
    assert cast.client_for(cast.auditor).post(reverse("ledger:record_decide", args=[record.pk]),
                                              {"action": "approve"}).status_code == 403
    record.refresh_from_db()
    assert record.status == "pending"


def test_organizer_corrects_an_approved_record(cast):
    record = approved_record(cast.volunteer, cast.org_a, at(1, 9), "3", cast.organizer_a)
    cast.client_for(cast.organizer_a).post(reverse("ledger:record_correct", args=[record.pk]),
                                           {"hours": "2", "reason": "left early"})
    assert record.corrections.get().hours == Decimal("-1")
    cast.client_for(cast.organizer_b).post(reverse("ledger:record_correct", args=[record.pk]),
                                           {"hours": "1", "reason": "x"})
    assert record.corrections.count() == 1


def test_anyone_finds_a_certificate_by_code(client, db):
    response = client.get(reverse("ledger:certificate_lookup"), {"code": "abc"})
    assert response.status_code == 302 and response["Location"].endswith("/certificates/ABC/")


def test_committee_queue_keeps_its_query_budget(cast):
    for day in range(1, 8):
        pending(cast, cast.org_a, start=at(day, 9), flags=[rules.EXCEEDS_SPAN])
    rejected = pending(cast, cast.org_a, start=at(9, 9))
    services.record_reject(record=rejected, approver=cast.organizer_a, reason="no")
    services.appeal_create(record=rejected, volunteer=cast.volunteer, reason="I was there")
    client = cast.client_for(cast.district_staff)
    with query_budget(16):
        page = client.get(reverse("ledger:committee_queue"))
    assert page.content.decode().count("/decide/") == 7
