"""Never overbooked: many simultaneous sign-ups through the API against one shift."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from civitas.accounts import services as accounts
from civitas.conftest import make_volunteer
from civitas.projects.models import Shift, SignUp, SignUpStatus
from civitas.projects.tests.conftest import make_project, make_shift

VOLUNTEERS = 50
CAPACITY = 10


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_signups_fill_ten_places_and_a_gapless_waitlist(cast):
    # given a 10-place shift and 50 volunteers with tokens
    project = make_project(cast)
    shift = make_shift(cast, project, capacity=CAPACITY)
    tokens = []
    for i in range(VOLUNTEERS):
        user = make_volunteer(f"并发{i}", f"1370000{i:04d}", cast.city.community_a)
        tokens.append(accounts.api_token_issue(user=user))
    barrier = threading.Barrier(VOLUNTEERS)
    answers: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def sign_up(token: str) -> None:
        client = Client()
        try:
            barrier.wait(timeout=60)
            response = client.post(
                f"/api/v1/shifts/{shift.pk}/signups", {}, content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
            with lock:
                answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    # when they all sign up at once
    threads = [threading.Thread(target=sign_up, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then exactly ten are confirmed and the rest wait in order 1..40
    assert [status for status, _ in answers] == [201] * VOLUNTEERS
    statuses = [body["status"] for _, body in answers]
    assert statuses.count("confirmed") == CAPACITY
    assert statuses.count("waitlisted") == VOLUNTEERS - CAPACITY
    positions = sorted(body["waitlist_position"] for _, body in answers if body["status"] == "waitlisted")
    assert positions == list(range(1, VOLUNTEERS - CAPACITY + 1))
    shift = Shift.objects.get(pk=shift.pk)
    assert shift.confirmed_count == CAPACITY
    assert shift.waitlisted_count == VOLUNTEERS - CAPACITY
    assert SignUp.objects.filter(shift=shift, status=SignUpStatus.CONFIRMED).count() == CAPACITY
    stored = sorted(SignUp.objects.filter(shift=shift, status=SignUpStatus.WAITLISTED).values_list("waitlist_position", flat=True))
    assert stored == positions
