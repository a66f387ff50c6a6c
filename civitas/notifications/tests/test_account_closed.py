"""A closed account keeps its inbox rows but no way to be reached (account.closed)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from civitas.accounts import services as accounts
from civitas.conftest import PASSWORD
from civitas.notifications import services
from civitas.notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Kind,
    Message,
    NotificationSettings,
    Reminder,
    ReminderStatus,
)
from civitas.notifications.reminders import reminders_schedule
from civitas.notifications.tests.conftest import make_shift, make_signup


def test_closing_an_account_forgets_notice_addresses_and_stops_what_is_unsent(cast, django_capture_on_commit_callbacks):
    # given: own addresses for notices, one email sent, one waiting, and reminders ahead
    services.preferences_update(user=cast.volunteer, channels={}, email="li@example.com", mobile="13912345678")
    sent = services.notify(recipient=cast.volunteer, kind=Kind.SIGNUP, render=lambda: ("一", "正文", "/"))
    Delivery.objects.filter(message=sent, channel=Channel.EMAIL).update(status=DeliveryStatus.SENT)
    waiting = services.notify(recipient=cast.volunteer, kind=Kind.SIGNUP, render=lambda: ("二", "正文", "/"))
    signup = make_signup(make_shift(cast, starts_at=timezone.now() + dt.timedelta(days=3)), cast.volunteer)
    reminders_schedule(signup=signup)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        accounts.account_close(user=cast.volunteer, password=PASSWORD)
    # then
    choices = NotificationSettings.objects.get(user=cast.volunteer)
    assert (choices.email, choices.mobile) == ("", "")
    assert not Delivery.objects.filter(message__recipient=cast.volunteer).exclude(address="").exists()
    assert set(Delivery.objects.filter(message=waiting).values_list("status", flat=True)) == {DeliveryStatus.SKIPPED}
    assert set(Delivery.objects.filter(message=sent).values_list("status", flat=True)) >= {DeliveryStatus.SENT}
    assert not Reminder.objects.filter(signup=signup, status=ReminderStatus.SCHEDULED).exists()
    assert Message.objects.filter(recipient=cast.volunteer).count() == 2


def test_another_persons_addresses_stay(cast, django_capture_on_commit_callbacks):
    services.preferences_update(user=cast.volunteer2, channels={}, email="wang@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        accounts.account_close(user=cast.volunteer, password=PASSWORD)
    assert NotificationSettings.objects.get(user=cast.volunteer2).email == "wang@example.com"
