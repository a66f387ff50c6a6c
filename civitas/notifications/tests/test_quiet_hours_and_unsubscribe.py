from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.urls import reverse

from civitas.notifications import services, tasks
from civitas.notifications.models import Delivery, DeliveryStatus, Kind, Message

SHANGHAI = ZoneInfo("Asia/Shanghai")


def notice(user, kind=Kind.REMINDER):
    return services.notify(recipient=user, kind=kind, render=lambda: ("提醒", "明天见", ""))


def test_sms_in_quiet_hours_waits_until_they_end(cast, sms_outbox, mailoutbox, time_machine, django_capture_on_commit_callbacks):
    services.preferences_update(
        user=cast.volunteer, channels={}, email="li@example.com", quiet_start=dt.time(22), quiet_end=dt.time(7)
    )
    time_machine.move_to(dt.datetime(2026, 12, 1, 23, 30, tzinfo=SHANGHAI), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        message = notice(cast.volunteer)

    # email goes at once; the text waits for the morning without using up an attempt
    assert len(mailoutbox) == 1
    assert sms_outbox == []
    sms = Delivery.objects.get(message=message, channel="sms")
    assert (sms.status, sms.attempts) == (DeliveryStatus.PENDING, 0)
    assert sms.next_attempt_at == dt.datetime(2026, 12, 2, 7, 0, tzinfo=SHANGHAI)

    time_machine.move_to(dt.datetime(2026, 12, 2, 6, 59, tzinfo=SHANGHAI), tick=False)
    tasks.sweep_once()
    assert sms_outbox == []

    time_machine.move_to(dt.datetime(2026, 12, 2, 7, 0, 30, tzinfo=SHANGHAI), tick=False)
    tasks.sweep_once()
    assert len(sms_outbox) == 1
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == (DeliveryStatus.SENT, 1)


def test_sms_outside_quiet_hours_goes_at_once(cast, sms_outbox, time_machine, django_capture_on_commit_callbacks):
    services.preferences_update(user=cast.volunteer, channels={}, quiet_start=dt.time(22), quiet_end=dt.time(7))
    time_machine.move_to(dt.datetime(2026, 12, 1, 12, 0, tzinfo=SHANGHAI), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        notice(cast.volunteer)
    assert len(sms_outbox) == 1
    assert sms_outbox[0]["to"].endswith("13900000001")


def unsubscribe_link(email_message) -> str:
    header = email_message.extra_headers["List-Unsubscribe"]
    return re.search(r"<https?://[^/]+(/.*)>", header).group(1)


def test_one_click_unsubscribe_stops_that_kind_of_email(cast, client, mailoutbox, django_capture_on_commit_callbacks):
    services.preferences_update(user=cast.volunteer, channels={}, email="li@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        notice(cast.volunteer)
    path = unsubscribe_link(mailoutbox[0])
    assert path in mailoutbox[0].body

    # the link works without signing in; GET only asks, so a mail scanner changes nothing
    assert "退订" in client.get(path).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        notice(cast.volunteer)
    assert len(mailoutbox) == 2

    # the one-click POST (RFC 8058) needs no CSRF token and no session
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        message = notice(cast.volunteer)
        notice(cast.volunteer, kind=Kind.HOURS)
    # no more reminder email; the inbox keeps it; other kinds still arrive
    assert not Delivery.objects.filter(message=message, channel="email").exists()
    assert Message.objects.get(pk=message.pk).in_inbox
    assert len(mailoutbox) == 3


def test_unsubscribe_from_all_email(cast, client, mailoutbox, django_capture_on_commit_callbacks):
    services.preferences_update(user=cast.volunteer, channels={}, email="li@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        notice(cast.volunteer)
    client.post(unsubscribe_link(mailoutbox[0]), {"what": services.ALL_EMAIL})
    with django_capture_on_commit_callbacks(execute=True):
        for kind in Kind:
            notice(cast.volunteer, kind=kind)
    assert len(mailoutbox) == 1


def test_email_waiting_when_the_person_unsubscribes_is_not_sent(cast, client, mailoutbox, django_capture_on_commit_callbacks):
    services.preferences_update(user=cast.volunteer, channels={}, email="li@example.com")
    message = notice(cast.volunteer)  # queued, not yet sent (the commit has not happened)
    token = services.unsubscribe_token(user=cast.volunteer, kind=Kind.REMINDER)
    client.post(reverse("notifications:unsubscribe", args=[token]))
    tasks.sweep_once()
    assert mailoutbox == []
    assert Delivery.objects.get(message=message, channel="email").status == DeliveryStatus.SKIPPED


def test_forged_unsubscribe_token_is_refused(cast, client):
    token = services.unsubscribe_token(user=cast.volunteer, kind=Kind.REMINDER)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = client.post(reverse("notifications:unsubscribe", args=[forged]))
    assert response.status_code == 400
    assert services.settings_for(cast.volunteer).channels_for(Kind.REMINDER) == ("inbox", "email", "sms")
