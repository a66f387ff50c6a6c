import json

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from civitas.accounts.models import ApiToken
from civitas.attendance import tokens
from civitas.attendance.models import Attendance, AttendanceEvent
from civitas.core.testing import query_budget
from civitas.ledger.models import ServiceRecord
from civitas.ledger.tests.factories import at, make_project, make_shift, sign_up


@pytest.fixture
def shift(cast):
    shift = make_shift(make_project(cast.org_a, cast.organizer_a), at(1, 9, month=12), hours=3)
    sign_up(shift, cast.volunteer)
    return shift


def post(client, path, body, headers):
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def test_volunteer_checks_in_with_the_shift_code_and_a_replay_counts_once(cast, shift, api_token, client):
    headers = api_token(cast.volunteer)
    with time_machine.travel(at(1, 9, month=12), tick=False):
        body = {"code": tokens.shift_code(shift.pk), "idempotency_key": "app-1"}
        first = post(client, f"/api/v1/shifts/{shift.pk}/checkins", body, headers)
        again = post(client, f"/api/v1/shifts/{shift.pk}/checkins", body, headers)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["replayed"] is True and again.json()["id"] == first.json()["id"]
    assert Attendance.objects.count() == 1


def test_a_code_of_another_shift_is_refused(cast, shift, api_token, client):
    other = make_shift(shift.project, at(2, 9, month=12))
    with time_machine.travel(at(1, 9, month=12), tick=False):
        response = post(client, f"/api/v1/shifts/{shift.pk}/checkins",
                        {"code": tokens.shift_code(other.pk), "idempotency_key": "k"}, api_token(cast.volunteer))
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["code"]


def test_organizer_checks_a_volunteer_in_and_out_by_number(cast, shift, api_token, client):
    headers = api_token(cast.organizer_a)
    number = cast.volunteer.volunteer.volunteer_number
    with time_machine.travel(at(1, 9, month=12), tick=False):
        assert post(client, f"/api/v1/shifts/{shift.pk}/checkins", {"volunteer": number, "idempotency_key": "a"}, headers).status_code == 201
    with time_machine.travel(at(1, 12, month=12), tick=False):
        response = post(client, f"/api/v1/shifts/{shift.pk}/checkouts", {"volunteer": tokens.personal_code(number), "idempotency_key": "b"}, headers)
    assert response.status_code == 201
    assert ServiceRecord.objects.get(pk=response.json()["record_id"]).hours == 3


def test_an_organizer_of_another_organization_cannot_check_others_in(cast, shift, api_token, client):
    number = cast.volunteer.volunteer.volunteer_number
    with time_machine.travel(at(1, 9, month=12), tick=False):
        response = post(client, f"/api/v1/shifts/{shift.pk}/checkins", {"volunteer": number, "idempotency_key": "a"},
                        api_token(cast.organizer_b))
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_check_in_needs_a_token(shift, client):
    response = client.post(f"/api/v1/shifts/{shift.pk}/checkins", json.dumps({"idempotency_key": "x"}), content_type="application/json")
    assert response.status_code == 401


def test_a_valid_code_for_a_shift_that_does_not_exist_answers_404(cast, shift, api_token, client):
    missing = shift.pk + 1000
    with time_machine.travel(at(1, 9, month=12), tick=False):
        response = post(client, f"/api/v1/shifts/{missing}/checkins",
                        {"code": tokens.shift_code(missing), "idempotency_key": "k"}, api_token(cast.volunteer))
    assert response.status_code == 404


# Statements per check-in as the server runs it (outside a test's transaction): the
# token's user, one read that answers every rule, one write. On PostgreSQL the write is
# one statement and there is no transaction of its own; on SQLite the check-in's
# transaction (its BEGIN IMMEDIATE and COMMIT are counted here) holds two inserts. A
# replay reads the first answer; a double tap reads the attendance and inserts its event.
CHECK_IN_BUDGET = {
    "postgresql": {"new": 3, "replay": 3, "double tap": 4},
    "sqlite": {"new": 6, "replay": 5, "double tap": 6},
}


@pytest.mark.django_db(transaction=True)
def test_a_check_in_by_code_keeps_to_its_query_budget(cast, shift, api_token, client):
    """The marathon-morning path (docs/performance.md, "Marathon morning")."""
    budget = CHECK_IN_BUDGET[connection.vendor]
    headers = api_token(cast.volunteer)
    path = f"/api/v1/shifts/{shift.pk}/checkins"
    with time_machine.travel(at(1, 9, month=12), tick=False):
        ApiToken.objects.update(last_used_at=timezone.now())  # its use is recorded once in five minutes
        code = tokens.shift_code(shift.pk)
        with query_budget(budget["new"]) as new:
            first = post(client, path, {"code": code, "idempotency_key": "a"}, headers)
        with query_budget(budget["replay"]) as replayed:
            again = post(client, path, {"code": code, "idempotency_key": "a"}, headers)
        with query_budget(budget["double tap"]) as double_tap:
            tapped = post(client, path, {"code": code, "idempotency_key": "b"}, headers)
    assert (first.status_code, again.status_code, tapped.status_code) == (201, 200, 200)
    assert again.json()["id"] == tapped.json()["id"] == first.json()["id"]
    assert AttendanceEvent.objects.filter(is_effective=True).count() == 1
    statements = [q["sql"] for c in (new, replayed, double_tap) for q in c.captured_queries]
    assert not [sql for sql in statements if "SAVEPOINT" in sql or "django_session" in sql]
