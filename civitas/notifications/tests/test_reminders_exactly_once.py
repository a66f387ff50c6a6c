"""A reminder goes out exactly once: a worker killed after claiming, a restarted worker,
and two sweeps at the same time."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from civitas.notifications import reminders, services, tasks
from civitas.notifications.models import Kind, Message, Reminder, ReminderStatus
from civitas.notifications.tests.conftest import make_shift, make_signup


def due_reminder(cast, volunteer=None):
    shift = make_shift(cast, starts_at=timezone.now() + dt.timedelta(hours=25))
    signup = make_signup(shift, volunteer or cast.volunteer)
    reminders.reminders_schedule(signup=signup)
    return Reminder.objects.get(signup=signup, kind="24h")


def reminder_messages(user):
    return Message.objects.filter(recipient=user, kind=Kind.REMINDER).count()


def test_worker_killed_after_claiming_is_taken_over_when_the_lease_expires(cast, time_machine):
    reminder = due_reminder(cast)
    time_machine.move_to(reminder.due_at + dt.timedelta(seconds=1), tick=False)

    # a worker claims the reminder and dies before sending it
    dead_token, ids = reminders.reminders_claim()
    assert ids == [reminder.pk]

    # a restarted worker finds it held while the lease runs
    assert tasks.sweep_once()["reminders"] == 0
    assert reminder_messages(cast.volunteer) == 0

    # once the lease has run out, the next sweep sends it
    time_machine.move_to(reminder.due_at + dt.timedelta(minutes=6), tick=False)
    assert tasks.sweep_once()["reminders"] == 1
    assert reminder_messages(cast.volunteer) == 1

    # the dead worker coming back to life with its old claim sends nothing
    assert reminders.reminder_send(reminder_id=reminder.pk, token=dead_token) is False
    assert tasks.sweep_once()["reminders"] == 0
    assert reminder_messages(cast.volunteer) == 1
    assert Reminder.objects.get(pk=reminder.pk).status == ReminderStatus.SENT


def test_crash_while_writing_the_notice_leaves_the_reminder_to_send_later(cast, time_machine, monkeypatch):
    reminder = due_reminder(cast)
    time_machine.move_to(reminder.due_at + dt.timedelta(seconds=1), tick=False)

    def crash(**kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(reminders, "notify", crash)
    with pytest.raises(RuntimeError):
        tasks.sweep_once()
    monkeypatch.undo()

    # the transaction rolled back: not marked sent, no notice
    assert Reminder.objects.get(pk=reminder.pk).status == ReminderStatus.CLAIMED
    assert reminder_messages(cast.volunteer) == 0

    time_machine.move_to(reminder.due_at + dt.timedelta(minutes=6), tick=False)
    assert tasks.sweep_once()["reminders"] == 1
    assert reminder_messages(cast.volunteer) == 1


def test_two_claims_at_once_take_each_reminder_once(cast, time_machine):
    reminder = due_reminder(cast)
    time_machine.move_to(reminder.due_at + dt.timedelta(seconds=1), tick=False)

    token_a, ids_a = reminders.reminders_claim()
    token_b, ids_b = reminders.reminders_claim()
    assert ids_a == [reminder.pk]
    assert ids_b == []
    assert reminders.reminder_send(reminder_id=reminder.pk, token=token_a) is True
    assert reminders.reminder_send(reminder_id=reminder.pk, token=token_b) is False
    assert reminder_messages(cast.volunteer) == 1


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_racing_in_threads_send_each_reminder_once(cast, time_machine):
    volunteers = [cast.volunteer, cast.volunteer2, cast.organizer_a, cast.organizer_b]
    for user in volunteers:
        services.preferences_update(user=user, channels={}, email=f"{user.pk}@example.com")
    rows = [due_reminder(cast, volunteer) for volunteer in volunteers for _ in range(3)]
    time_machine.move_to(max(r.due_at for r in rows) + dt.timedelta(seconds=1), tick=False)
    mail.outbox.clear()

    barrier = threading.Barrier(2)
    sent: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            sent.append(tasks.sweep_once()["reminders"])
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(sent) == len(rows)
    assert Message.objects.filter(kind=Kind.REMINDER).count() == len(rows)
    assert Reminder.objects.filter(status=ReminderStatus.SENT).count() == len(rows)
    assert len([m for m in mail.outbox if m.subject.startswith("明天")]) == len(rows)


def test_shift_moved_later_holds_the_reminder_until_the_new_time(cast, time_machine):
    reminder = due_reminder(cast)
    time_machine.move_to(reminder.due_at + dt.timedelta(seconds=1), tick=False)
    shift = reminder.signup.shift
    shift.starts_at += dt.timedelta(hours=5)
    shift.ends_at += dt.timedelta(hours=5)
    shift.save()

    assert tasks.sweep_once()["reminders"] == 0
    reminder.refresh_from_db()
    assert (reminder.status, reminder.due_at) == (ReminderStatus.SCHEDULED, shift.starts_at - dt.timedelta(hours=24))

    time_machine.move_to(reminder.due_at, tick=False)
    assert tasks.sweep_once()["reminders"] == 1
    assert reminder_messages(cast.volunteer) == 1


def test_a_sign_up_confirmed_again_gets_its_reminders_back(cast):
    reminder = due_reminder(cast)
    reminders.reminders_cancel(signup_ids=[reminder.signup_id])
    reminders.reminders_schedule(signup=reminder.signup)
    assert set(Reminder.objects.filter(signup=reminder.signup).values_list("status", flat=True)) == {ReminderStatus.SCHEDULED}


def test_scheduling_again_leaves_a_sent_reminder_sent_and_moves_a_cancelled_one_to_the_shift_time(cast):
    reminder = due_reminder(cast)
    other = Reminder.objects.get(signup=reminder.signup, kind="2h")
    Reminder.objects.filter(pk=reminder.pk).update(status=ReminderStatus.SENT)
    Reminder.objects.filter(pk=other.pk).update(status=ReminderStatus.CANCELLED, due_at=other.due_at - dt.timedelta(days=1))
    assert reminders.reminders_schedule(signup=reminder.signup) == 2
    assert Reminder.objects.filter(signup=reminder.signup).count() == 2
    assert Reminder.objects.get(pk=reminder.pk).status == ReminderStatus.SENT
    other.refresh_from_db()
    assert (other.status, other.due_at) == (ReminderStatus.SCHEDULED, reminder.signup.shift.starts_at - dt.timedelta(hours=2))
