"""Done when: a volunteer signs up for a shift 25 hours away, gets the confirmation at once
and the 24-hour reminder when it is due, in Chinese, by email and in the inbox."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from civitas.core.events import publish
from civitas.notifications import services, tasks
from civitas.notifications.models import Kind, Message, Reminder, ReminderStatus
from civitas.notifications.tests.conftest import make_shift, make_signup

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_confirmation_at_once_and_day_before_reminder_when_due_in_chinese(
    cast, smtp_server, django_capture_on_commit_callbacks, time_machine
):
    # given a Chinese-speaking volunteer with an email address, and a shift 25 hours away
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    time_machine.move_to(start, tick=False)
    volunteer = cast.volunteer
    assert volunteer.language == "zh-hans"
    services.preferences_update(user=volunteer, channels={}, email="li@example.com")
    shift = make_shift(cast, starts_at=start + dt.timedelta(hours=25))

    # when the sign-up is confirmed
    with django_capture_on_commit_callbacks(execute=True):
        signup = make_signup(shift, volunteer)
        publish("signup.confirmed", signup_id=signup.pk)

    # then the confirmation arrives at once, in Chinese, by email and in the inbox
    assert len(smtp_server.messages) == 1
    confirmation = smtp_server.messages[0]
    assert confirmation["To"] == "li@example.com"
    assert confirmation["Subject"] == "报名成功：关爱老人"
    assert "2026-12-02 10:00" in confirmation.get_content()
    assert str(confirmation["List-Unsubscribe"]).strip().startswith("<http")
    assert confirmation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Message.objects.filter(recipient=volunteer, kind=Kind.SIGNUP, in_inbox=True).count() == 1
    assert set(Reminder.objects.filter(signup=signup).values_list("kind", flat=True)) == {"24h", "2h"}

    # nothing more before the reminder is due
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_once()["reminders"] == 0
    assert len(smtp_server.messages) == 1

    # when the day-before reminder falls due
    time_machine.move_to(start + dt.timedelta(hours=1, minutes=1), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_once()["reminders"] == 1

    # then it arrives once, in Chinese, by email and in the inbox
    assert len(smtp_server.messages) == 2
    reminder_mail = smtp_server.messages[1]
    assert reminder_mail["Subject"] == "明天：关爱老人"
    assert "和平社区服务中心" in reminder_mail.get_content()
    assert Message.objects.filter(recipient=volunteer, kind=Kind.REMINDER, in_inbox=True).count() == 1
    assert Reminder.objects.get(signup=signup, kind="24h").status == ReminderStatus.SENT
    assert Reminder.objects.get(signup=signup, kind="2h").status == ReminderStatus.SCHEDULED

    # and a later sweep sends nothing again
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_once()["reminders"] == 0
    assert len(smtp_server.messages) == 2


def test_english_speaker_gets_english_email(cast, smtp_server, django_capture_on_commit_callbacks):
    volunteer = cast.volunteer2
    volunteer.language = "en"
    volunteer.save(update_fields=["language"])
    services.preferences_update(user=volunteer, channels={}, email="wang@example.com")
    shift = make_shift(cast, starts_at=dt.datetime(2030, 1, 1, 9, tzinfo=SHANGHAI))

    with django_capture_on_commit_callbacks(execute=True):
        signup = make_signup(shift, volunteer)
        publish("signup.confirmed", signup_id=signup.pk)

    assert [m["Subject"] for m in smtp_server.messages] == ["Sign-up confirmed: Caring for the elderly"]


def test_reminder_for_a_cancelled_signup_is_not_sent(cast, django_capture_on_commit_callbacks, time_machine, mailoutbox):
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    time_machine.move_to(start, tick=False)
    services.preferences_update(user=cast.volunteer, channels={}, email="li@example.com")
    shift = make_shift(cast, starts_at=start + dt.timedelta(hours=25))
    with django_capture_on_commit_callbacks(execute=True):
        signup = make_signup(shift, cast.volunteer)
        publish("signup.confirmed", signup_id=signup.pk)
    signup.status = "cancelled"
    signup.save(update_fields=["status"])

    time_machine.move_to(start + dt.timedelta(hours=2), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_once()["reminders"] == 0

    assert [m.subject for m in mailoutbox] == ["报名成功：关爱老人"]
    assert Reminder.objects.get(signup=signup, kind="24h").status == ReminderStatus.CANCELLED


def test_signup_less_than_two_hours_ahead_schedules_no_reminder(cast, django_capture_on_commit_callbacks):
    from django.utils import timezone

    shift = make_shift(cast, starts_at=timezone.now() + dt.timedelta(minutes=90))
    with django_capture_on_commit_callbacks(execute=True):
        signup = make_signup(shift, cast.volunteer)
        publish("signup.confirmed", signup_id=signup.pk)
    assert not Reminder.objects.filter(signup=signup).exists()
