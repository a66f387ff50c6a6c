"""The issue's "Done when", tried as a new user would, through the pages."""

from decimal import Decimal

import time_machine
from django.urls import reverse

from civitas.attendance import tokens
from civitas.ledger.models import Certificate, ServiceRecord, VolunteerTotals
from civitas.ledger.tests.factories import at, make_project, make_shift, sign_up


def test_scan_check_out_approve_certificate_and_verify(cast, settings):
    settings.CIVITAS = {**settings.CIVITAS, "STAR_THRESHOLDS": [Decimal("3"), Decimal("300")]}
    shift = make_shift(make_project(cast.org_a, cast.organizer_a), at(1, 9, month=11), hours=3)
    sign_up(shift, cast.volunteer)
    volunteer = cast.client_for(cast.volunteer)

    # the volunteer scans the shift's code on arrival
    with time_machine.travel(at(1, 8, 58, month=11), tick=False):
        code = tokens.shift_code(shift.pk)
        scan_url = reverse("attendance:scan", args=[code])
        page = volunteer.get(scan_url)
        assert page.status_code == 200
        volunteer.post(scan_url, {"idempotency_key": "phone-1"})
    # and again when leaving (a new code by then)
    with time_machine.travel(at(1, 12, 2, month=11), tick=False):
        scan_url = reverse("attendance:scan", args=[tokens.shift_code(shift.pk)])
        volunteer.post(scan_url, {"idempotency_key": "phone-2"})
    record = ServiceRecord.objects.get(volunteer=cast.volunteer)
    assert (record.status, record.hours) == ("pending", Decimal("3.00"))

    # the organizer approves the shift's hours in one action
    organizer = cast.client_for(cast.organizer_a)
    with time_machine.travel(at(2, 9, month=11), tick=False):
        organizer.post(reverse("ledger:shift_approve", args=[shift.pk]))
    record.refresh_from_db()
    assert record.status == "approved"
    totals = VolunteerTotals.objects.get(volunteer=cast.volunteer)
    assert totals.total_hours == Decimal("3") and totals.star_level == 1
    page = volunteer.get(reverse("ledger:my_hours"))
    assert "★" in page.content.decode()

    # the volunteer downloads a certificate
    with time_machine.travel(at(3, 9, month=11), tick=False):
        response = volunteer.post(reverse("ledger:my_hours"), {"period_start": "2026-01-01", "period_end": "2026-11-03"},
                                  follow=True)
    assert response.content.startswith(b"%PDF")
    certificate = Certificate.objects.get(volunteer=cast.volunteer)

    # a stranger verifies it by its code
    stranger = cast.client_for(None)
    page = stranger.get(reverse("ledger:certificate_verify", args=[certificate.code]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "李*红" in text and "李小红" not in text and "3" in text
    assert "阳光志愿服务队" in text


def test_scanning_an_expired_code_is_refused(cast):
    shift = make_shift(make_project(cast.org_a, cast.organizer_a), at(1, 9, month=11), hours=3)
    sign_up(shift, cast.volunteer)
    with time_machine.travel(at(1, 8, 50, month=11), tick=False):
        code = tokens.shift_code(shift.pk)
    with time_machine.travel(at(1, 9, 0, month=11), tick=False):
        response = cast.client_for(cast.volunteer).post(reverse("attendance:scan", args=[code]), {"idempotency_key": "x"})
    assert response.status_code == 400
    assert not ServiceRecord.objects.exists()
