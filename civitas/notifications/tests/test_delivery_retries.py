"""A provider failure is retried with exponential backoff, kept as failed after the last
attempt, shown to staff, and can be sent again."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.test import override_settings
from django.urls import reverse

from civitas.notifications import services, tasks
from civitas.notifications.models import Delivery, DeliveryStatus, Kind

SHANGHAI = ZoneInfo("Asia/Shanghai")
FAILING = "civitas.notifications.sms.FailingSmsBackend"


def notice(user):
    return services.notify(recipient=user, kind=Kind.REMINDER, render=lambda: ("提醒", "明天见", ""))


def test_failed_sms_is_retried_with_backoff_then_kept_as_failed(
    cast, settings, time_machine, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "MAX_ATTEMPTS": 3, "RETRY_BASE_SECONDS": 60}
    start = dt.datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI)
    time_machine.move_to(start, tick=False)

    with override_settings(SMS_BACKEND=FAILING), django_capture_on_commit_callbacks(execute=True):
        message = notice(cast.volunteer)
    delivery = Delivery.objects.get(message=message, channel="sms")
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.next_attempt_at == start + dt.timedelta(seconds=60)
    assert "provider unavailable" in delivery.last_error

    with override_settings(SMS_BACKEND=FAILING):
        # not due yet: no attempt
        time_machine.move_to(start + dt.timedelta(seconds=59), tick=False)
        assert tasks.sweep_once()["deliveries"] == 0
        # second attempt after a minute, the third after two more
        time_machine.move_to(start + dt.timedelta(seconds=60), tick=False)
        assert tasks.sweep_once()["deliveries"] == 1
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 2)
        assert delivery.next_attempt_at == start + dt.timedelta(seconds=60 + 120)
        time_machine.move_to(delivery.next_attempt_at, tick=False)
        assert tasks.sweep_once()["deliveries"] == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    # kept, and no longer tried
    time_machine.move_to(start + dt.timedelta(days=1), tick=False)
    assert tasks.sweep_once()["deliveries"] == 0


def test_staff_see_failed_deliveries_and_send_them_again(cast, sms_outbox, django_capture_on_commit_callbacks, settings):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "MAX_ATTEMPTS": 1}
    with override_settings(SMS_BACKEND=FAILING), django_capture_on_commit_callbacks(execute=True):
        message = notice(cast.volunteer)
    delivery = Delivery.objects.get(message=message, channel="sms")
    assert delivery.status == DeliveryStatus.FAILED

    page = cast.client_for(cast.city_staff).get(reverse("notifications:failed"))
    assert page.status_code == 200
    assert "provider unavailable" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client_for(cast.city_staff).post(reverse("notifications:retry", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert sms_outbox[-1]["text"].endswith("提醒: 明天见")


def test_failed_deliveries_page_and_retry_are_hidden_from_others(cast, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "MAX_ATTEMPTS": 1}
    with override_settings(SMS_BACKEND=FAILING), django_capture_on_commit_callbacks(execute=True):
        message = notice(cast.volunteer)
    delivery = Delivery.objects.get(message=message, channel="sms")
    for outsider in (cast.volunteer, cast.organizer_a, cast.district_staff):
        client = cast.client_for(outsider)
        assert client.get(reverse("notifications:failed")).status_code == 404
        assert client.post(reverse("notifications:retry", args=[delivery.pk])).status_code == 404
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED


def test_failed_deliveries_page_stays_within_its_query_budget(cast, settings, django_capture_on_commit_callbacks):
    from civitas.core.testing import query_budget

    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "MAX_ATTEMPTS": 1}
    with override_settings(SMS_BACKEND=FAILING), django_capture_on_commit_callbacks(execute=True):
        for user in (cast.volunteer, cast.volunteer2, cast.organizer_a):
            notice(user)
    client = cast.client_for(cast.city_staff)
    with query_budget(12):
        assert client.get(reverse("notifications:failed")).status_code == 200


def test_mail_server_down_is_retried(cast, settings, django_capture_on_commit_callbacks):
    from civitas.notifications.tests.conftest import free_port

    services.preferences_update(user=cast.volunteer, channels={}, email="li@example.com")
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=free_port(),
        EMAIL_TIMEOUT=2, EMAIL_USE_TLS=False, EMAIL_USE_SSL=False,
    ), django_capture_on_commit_callbacks(execute=True):
        message = services.notify(recipient=cast.volunteer, kind=Kind.HOURS, render=lambda: ("s", "b", ""))
    delivery = Delivery.objects.get(message=message, channel="email")
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert "Connection" in delivery.last_error or "refused" in delivery.last_error.lower()
