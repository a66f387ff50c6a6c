import json

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from civitas.attendance import tokens
from civitas.attendance.models import Attendance
from civitas.core.testing import query_budget
from civitas.ledger.models import ServiceRecord
from civitas.ledger.tests.factories import at, make_project, make_shift, sign_up


@pytest.fixture
def shift(cast):
    shift = make_shift(make_project(cast.org_a, cast.organizer_a), at(1, 9, month=12), hours=3)
    sign_up(shift, cast.volunteer)
    return shift


def test_roster_tick_checks_in_through_htmx_once(cast, shift):
    signup = shift.signups.get()
    url = reverse("attendance:roster_tick", args=[shift.pk, signup.pk])
    with time_machine.travel(at(1, 9, month=12), tick=False):
        # Signed in at the shift's hour: a session lasts twelve hours, not until a later shift.
        client = cast.client_for(cast.organizer_a)
        for _ in range(2):  # a double tap sends the same key
            response = client.post(url, {"action": "check_in", "idempotency_key": "row-1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<tr" in response.content.decode()
    assert Attendance.objects.get().check_in_method == "roster"


def test_roster_is_for_the_organization_staff(cast, shift):
    url = reverse("attendance:roster", args=[shift.pk])
    assert cast.client_for(cast.organizer_b).get(url).status_code == 404
    assert cast.client_for(cast.volunteer).get(url).status_code == 404
    signup = shift.signups.get()
    tick = reverse("attendance:roster_tick", args=[shift.pk, signup.pk])
    assert cast.client_for(cast.district_staff).post(tick, {"action": "check_in", "idempotency_key": "k"}).status_code == 403
    assert not Attendance.objects.exists()


def test_roster_shows_repeated_no_shows_and_keeps_its_budget(cast, shift):
    project = shift.project
    for day in (1, 2, 3):
        past = make_shift(project, at(day, 9, month=10))
        sign_up(past, cast.volunteer, status="no_show")
    for number in range(5):
        from civitas.conftest import make_volunteer

        sign_up(shift, make_volunteer(f"志愿者{number}", f"1370000000{number}"))
    client = cast.client_for(cast.organizer_a)
    with query_budget(14):
        page = client.get(reverse("attendance:roster", args=[shift.pk]))
    assert "badge rejected" in page.content.decode()


def test_shift_code_page_shows_a_qr_svg(cast, shift):
    client = cast.client_for(cast.organizer_a)
    page = client.get(reverse("attendance:shift_code", args=[shift.pk])).content.decode()
    assert "<svg" in page and "hx-trigger" in page
    svg = client.get(reverse("attendance:shift_code_svg", args=[shift.pk]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert cast.client_for(cast.volunteer).get(reverse("attendance:shift_code", args=[shift.pk])).status_code == 404


def test_organizer_scans_the_personal_code(cast, shift):
    code = tokens.personal_code(cast.volunteer.volunteer.volunteer_number)
    with time_machine.travel(at(1, 9, month=12), tick=False):
        client = cast.client_for(cast.organizer_a)
        client.post(reverse("attendance:organizer_scan", args=[shift.pk]), {"code": code, "action": "check_in", "idempotency_key": "s1"})
    assert Attendance.objects.get().check_in_method == "personal_qr"


def test_kiosk_replays_its_offline_queue_without_double_counting(cast, shift):
    token = tokens.kiosk_token(shift.pk)
    url = reverse("attendance:kiosk_events", args=[token])
    number = cast.volunteer.volunteer.volunteer_number
    client = cast.client_for(None)
    assert client.get(reverse("attendance:kiosk", args=[token])).status_code == 200
    events = [
        {"volunteer": number, "action": "check_in", "idempotency_key": "t-1", "occurred_at": "2026-12-01T00:58:00Z"},
        {"volunteer": number, "action": "check_out", "idempotency_key": "t-2", "occurred_at": "2026-12-01T04:01:00Z"},
    ]
    with time_machine.travel(at(1, 12, 30, month=12), tick=False):
        statuses = [client.post(url, json.dumps(e), content_type="application/json").status_code for e in events + events]
    assert statuses == [201, 201, 200, 200]
    attendance = Attendance.objects.get()
    assert attendance.checked_in_at == at(1, 8, 58, month=12)
    assert ServiceRecord.objects.get().hours == 3


def test_kiosk_with_a_forged_link_is_refused(cast, shift):
    client = cast.client_for(None)
    response = client.post(reverse("attendance:kiosk_events", args=["forged"]), "{}", content_type="application/json")
    assert response.status_code == 404


def test_close_open_attendance_command(cast, shift, capsys):
    with time_machine.travel(at(1, 9, month=12), tick=False):
        from civitas.attendance import services

        services.attendance_check_in(shift=shift, volunteer=cast.volunteer, method="roster", idempotency_key="k",
                                     actor=cast.organizer_a)
    with time_machine.travel(at(3, 9, month=12), tick=False):
        call_command("close_open_attendance")
    assert "1" in capsys.readouterr().out
    assert Attendance.objects.get().checked_out_at == shift.ends_at


def test_volunteer_sees_a_personal_code(cast):
    page = cast.client_for(cast.volunteer).get(reverse("attendance:my_code")).content.decode()
    assert "<svg" in page and cast.volunteer.volunteer.volunteer_number in page


def test_organizer_lists_the_coming_shifts(cast):
    with time_machine.travel(at(1, 7, month=12), tick=False):
        shift = make_shift(make_project(cast.org_a, cast.organizer_a), at(1, 9, month=12), hours=3)
        page = cast.client_for(cast.organizer_a).get(reverse("attendance:shifts")).content.decode()
        assert reverse("attendance:roster", args=[shift.pk]) in page
        other = cast.client_for(cast.organizer_b).get(reverse("attendance:shifts")).content.decode()
        assert reverse("attendance:roster", args=[shift.pk]) not in other
