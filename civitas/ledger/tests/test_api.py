import json
from decimal import Decimal

from civitas.core.testing import query_budget
from civitas.ledger import certificates, services
from civitas.ledger.tests.factories import approved_record, at


def test_me_hours_answers_totals_and_records(cast, api_token, client):
    approved_record(cast.volunteer, cast.org_a, at(1, 9), "3", cast.organizer_a)
    body = client.get("/api/v1/me/hours", **api_token(cast.volunteer)).json()
    assert Decimal(body["total_hours"]) == 3 and body["star_level"] == 0 and len(body["records"]) == 1
    assert set(body) >= {"total_hours", "year_hours", "star_level", "records"}


def test_service_records_are_scoped(cast, api_token, client):
    approved_record(cast.volunteer, cast.org_a, at(1, 9), "3", cast.organizer_a)
    approved_record(cast.volunteer2, cast.org_b, at(1, 9), "2", cast.organizer_b)
    def count(user):
        return client.get("/api/v1/service-records", **api_token(user)).json()["count"]
    assert count(cast.volunteer) == 1
    assert count(cast.organizer_a) == 1
    assert count(cast.district_staff) == 1
    assert count(cast.auditor) == 2
    assert count(cast.city_staff) == 2


def test_service_records_list_keeps_its_query_budget(cast, api_token, client):
    for day in range(1, 8):
        approved_record(cast.volunteer, cast.org_a, at(day, 9), "3", cast.organizer_a)
    headers = api_token(cast.auditor)
    # The first use of a token stamps last_used_at (once per five minutes); the budget is the list's.
    client.get("/api/v1/service-records", **headers)
    with query_budget(6):
        response = client.get("/api/v1/service-records", **headers)
    assert response.json()["count"] == 7


def test_organizer_approves_by_api_and_an_outsider_cannot(cast, api_token, client):
    record = services.record_create(volunteer=cast.volunteer, organization=cast.org_a, started_at=at(1, 9),
                                    ended_at=at(1, 12), hours=Decimal("3"), source="manual")
    assert client.post(f"/api/v1/service-records/{record.pk}/approve", **api_token(cast.organizer_b)).status_code == 404
    assert client.post(f"/api/v1/service-records/{record.pk}/approve", **api_token(cast.volunteer)).status_code == 403
    assert client.post(f"/api/v1/service-records/{record.pk}/approve", **api_token(cast.auditor)).status_code == 403
    response = client.post(f"/api/v1/service-records/{record.pk}/approve", **api_token(cast.organizer_a))
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert client.post(f"/api/v1/service-records/{record.pk}/approve", **api_token(cast.organizer_a)).status_code == 409


def test_committee_level_records_are_not_for_organization_staff(cast, api_token, client):
    services.record_create(volunteer=cast.volunteer, organization=cast.org_a, started_at=at(1, 6), ended_at=at(1, 14),
                           hours=Decimal("8"), source="manual")
    record = services.record_create(volunteer=cast.volunteer, organization=cast.org_a, started_at=at(1, 14),
                                    ended_at=at(1, 19), hours=Decimal("5"), source="manual")
    assert record.review_level == "committee"
    assert client.post(f"/api/v1/service-records/{record.pk}/approve", **api_token(cast.organizer_a)).status_code == 403
    assert client.post(f"/api/v1/service-records/{record.pk}/approve", **api_token(cast.other_district_staff)).status_code == 404
    assert client.post(f"/api/v1/service-records/{record.pk}/approve", **api_token(cast.district_staff)).status_code == 200


def test_certificate_is_verified_publicly(cast, client, time_machine):
    time_machine.move_to(at(20, 9))
    approved_record(cast.volunteer, cast.org_a, at(1, 9), "3", cast.organizer_a)
    certificate = certificates.certificate_issue(volunteer=cast.volunteer, period_start=at(1, 0).date(), period_end=at(10, 0).date())
    body = client.get(f"/api/v1/certificates/{certificate.code}").json()
    assert body["volunteer"] == "李*红" and Decimal(body["hours"]) == 3 and body["signature_valid"] is True
    assert body["revoked"] is False
    assert json.loads(body["payload"])["code"] == certificate.code
    assert client.get("/api/v1/certificates/NOPE").status_code == 404


def test_service_records_refuse_unknown_filters_and_statuses(cast, api_token, client):
    headers = api_token(cast.auditor)
    assert client.get("/api/v1/service-records?stauts=approved", **headers).status_code == 422
    assert client.get("/api/v1/service-records?status=lost", **headers).status_code == 422
    assert client.get("/api/v1/service-records?page=100001", **headers).status_code == 422
    assert client.get("/api/v1/service-records?status=approved&page=2", **headers).status_code == 200
