"""Shift reminders: scheduled rows that survive a restart and go out once.

A Reminder row per (sign-up, kind) is made when a sign-up is confirmed; the unique pair
means it exists once. The sweep claims due rows with a lease and a token; the notice is
written in the same transaction that flips the row to ``sent`` on condition that the
token is still ours. A worker killed after claiming leaves a lease that expires, and the
next sweep takes the row; a slow worker whose lease was taken over finds its token gone
and sends nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from civitas.notifications import content
from civitas.notifications.claims import claim
from civitas.notifications.models import REMINDER_OFFSETS, Kind, Reminder, ReminderStatus
from civitas.notifications.services import config, notify

# A reminder per kind still ahead: a new one, or a cancelled one brought back at the
# shift's time now (a sign-up confirmed again); one that is scheduled, claimed or sent
# stays as it is, so a sign-up confirmed twice keeps one row per kind and one notice.
# One statement, the same on PostgreSQL and SQLite; written out because the ORM's
# bulk_create cannot put a condition on the update, and built with it, this was two
# statements and most of a sign-up notice's CPU (docs/performance.md, "Sign-ups").
REMINDERS_UPSERT_SQL = """
INSERT INTO notifications_reminder (signup_id, kind, due_at, status, claim_token)
VALUES {rows}
ON CONFLICT (signup_id, kind) DO UPDATE
SET status = excluded.status, due_at = excluded.due_at, claim_token = '', claimed_until = NULL
WHERE notifications_reminder.status = %s
"""


def reminders_schedule(*, signup: Any) -> int:
    """Make the sign-up's reminders still ahead; answers how many kinds that is."""
    now = timezone.now()
    due = [(kind, signup.shift.starts_at - offset) for kind, offset in REMINDER_OFFSETS.items()
           if signup.shift.starts_at - offset > now]
    if not due:
        return 0
    due_at = Reminder._meta.get_field("due_at")
    params: list[Any] = []
    for kind, moment in due:
        params += [signup.pk, kind, due_at.get_db_prep_save(moment, connection), ReminderStatus.SCHEDULED, ""]
    params.append(ReminderStatus.CANCELLED)
    with connection.cursor() as cursor:
        cursor.execute(REMINDERS_UPSERT_SQL.format(rows=", ".join(["(%s, %s, %s, %s, %s)"] * len(due))), params)
    return len(due)


def reminders_cancel(*, signup_ids: list[int]) -> int:
    return Reminder.objects.filter(
        signup_id__in=signup_ids, status__in=[ReminderStatus.SCHEDULED, ReminderStatus.CLAIMED]
    ).update(status=ReminderStatus.CANCELLED, claimed_until=None)


def claimable(now: dt.datetime) -> Any:
    return Reminder.objects.filter(
        Q(status=ReminderStatus.SCHEDULED, due_at__lte=now) | Q(status=ReminderStatus.CLAIMED, claimed_until__lt=now)
    )


def reminders_claim(*, limit: int = 200) -> tuple[str, list[int]]:
    """Take due reminders for this worker; answers the claim token and the ids taken."""
    now = timezone.now()
    token = uuid.uuid4().hex
    ids = claim(
        claimable(now).order_by("due_at"), limit=limit,
        status=ReminderStatus.CLAIMED, claim_token=token,
        claimed_until=now + dt.timedelta(seconds=config("CLAIM_LEASE_SECONDS")),
    )
    return token, ids


def reminder_send(*, reminder_id: int, token: str) -> bool:
    """Write the reminder notice if the claim is still ours; answers whether it went out."""
    reminder = Reminder.objects.select_related(
        "signup__shift__project__organization", "signup__volunteer"
    ).get(pk=reminder_id)
    signup, shift = reminder.signup, reminder.signup.shift
    now = timezone.now()
    with transaction.atomic():
        mine = Reminder.objects.filter(pk=reminder.pk, status=ReminderStatus.CLAIMED, claim_token=token)
        if signup.status != "confirmed" or shift.status != "open" or shift.starts_at <= now:
            mine.update(status=ReminderStatus.CANCELLED, claimed_until=None)
            return False
        due = shift.starts_at - REMINDER_OFFSETS[reminder.kind]
        if due > now + dt.timedelta(minutes=1):
            # The shift was moved later since the reminder was made: wait for the new time.
            mine.update(status=ReminderStatus.SCHEDULED, due_at=due, claim_token="", claimed_until=None)
            return False
        if not mine.update(status=ReminderStatus.SENT, sent_at=now, claimed_until=None):
            return False
        message = notify(
            recipient=signup.volunteer, kind=Kind.REMINDER,
            render=lambda: content.reminder(signup, reminder.kind),
        )
        if message is not None:
            Reminder.objects.filter(pk=reminder.pk).update(message=message)
    return True


def reminders_send_due(*, limit: int = 200) -> int:
    token, ids = reminders_claim(limit=limit)
    return sum(reminder_send(reminder_id=pk, token=token) for pk in ids)
