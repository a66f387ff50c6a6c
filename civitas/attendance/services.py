"""Check-in and check-out, by any of the four ways, and closing what was left open.

Every request carries an idempotency key, kept as a unique row in AttendanceEvent, so a
repeated scan, a double tap or a kiosk replaying its offline queue finds the first answer
instead of counting again; and a volunteer has one Attendance per shift (unique), so two
different keys for the same check-in still count once. Check-out proposes the service
record through the ledger.

Check-in is the hot path (a marathon morning: 20,000 volunteers in a minute, see
docs/performance.md), so it is one transaction of one read and two inserts, without
savepoints: the read answers every question the rules ask (the shift's facts, a replay
of the key, the sign-up, an attendance here or still open elsewhere). A concurrent
request that commits a row under one of the two unique constraints first makes the
loser's insert fail; its whole transaction rolls back and it reads again, finding the
winner's rows, and answers as a replay or a double tap.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.attendance import tokens
from civitas.attendance.models import Attendance, AttendanceEvent, CheckMethod, EventKind
from civitas.core import rows
from civitas.core.errors import Conflict
from civitas.ledger import rules
from civitas.ledger.models import RecordSource
from civitas.ledger.services import record_create
from civitas.projects.models import Shift, ShiftStatus, SignUp, SignUpStatus

ORGANIZER_METHODS = (CheckMethod.PERSONAL_QR, CheckMethod.ROSTER, CheckMethod.KIOSK)


@dataclass
class CheckResult:
    attendance: Attendance
    is_new: bool  # false for a replay or a repeat of what was already done
    distance_m: int | None = None


def distance_m(lat1: Decimal | float, lon1: Decimal | float, lat2: Decimal | float, lon2: Decimal | float) -> int:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * 6_371_000 * math.asin(math.sqrt(a)))


def _claim_key(*, key: str, kind: str, method: str, attendance: Attendance, is_effective: bool, actor: Any,
               occurred_at: dt.datetime, latitude: Any = None, longitude: Any = None, distance: int | None = None,
               override_reason: str = "") -> bool:
    """Insert the event row for this key; answer False when the key was used before (by
    a request that raced this one), in which case the caller's writes are rolled back."""
    try:
        with transaction.atomic():
            AttendanceEvent.objects.create(
                idempotency_key=key, kind=kind, method=method, shift_id=attendance.shift_id,
                volunteer_id=attendance.volunteer_id, attendance=attendance, is_effective=is_effective, actor=actor,
                occurred_at=occurred_at, latitude=latitude, longitude=longitude, distance_m=distance,
                override_reason=override_reason,
            )
    except IntegrityError:
        transaction.set_rollback(True)
        return False
    return True


def _replay(key: str) -> CheckResult | None:
    event = AttendanceEvent.objects.select_related("attendance").filter(idempotency_key=key).first()
    if event is None:
        return None
    if event.attendance is None:
        raise Conflict(_("This request was already received and did not succeed."), code="replayed_failure")
    return CheckResult(event.attendance, is_new=False, distance_m=event.distance_m)


def _moment(occurred_at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """When it happened: now, or the device's time for a queued kiosk event, within limits."""
    if occurred_at is None:
        return now
    if timezone.is_naive(occurred_at):
        raise ValidationError({"occurred_at": [_("Give the time with its time zone.")]})
    oldest = now - dt.timedelta(hours=settings.CIVITAS["KIOSK_REPLAY_MAX_HOURS"])
    if occurred_at > now + dt.timedelta(minutes=2) or occurred_at < oldest:
        raise ValidationError({"occurred_at": [_("The time of this event is not plausible.")]})
    return min(occurred_at, now)


def _check_geofence(shift: Shift | CheckInFacts, method: str, latitude: Any, longitude: Any, override_reason: str,
                    actor: Any, volunteer: Any) -> tuple[int | None, bool]:
    """Answers (distance, overridden). Only the volunteer's own scan is fenced: the other
    ways happen in front of the organizer."""
    if shift.latitude is None or shift.longitude is None:
        return None, False
    distance = None
    if latitude is not None and longitude is not None:
        distance = distance_m(latitude, longitude, shift.latitude, shift.longitude)
    if method != CheckMethod.SHIFT_QR or not shift.geofence_radius_m:
        return distance, False
    if distance is not None and distance <= shift.geofence_radius_m:
        return distance, False
    if override_reason.strip() and actor is not None and actor.pk != volunteer.pk:
        return distance, True
    if distance is None:
        raise ValidationError({"location": [_(
            "Share your location to check in: this shift only accepts check-ins within %(radius)s m of the place."
        ) % {"radius": shift.geofence_radius_m}]})
    raise ValidationError({"location": [_(
        "You are %(distance)s m from the place; check-in is accepted within %(radius)s m. Ask the organizer."
    ) % {"distance": distance, "radius": shift.geofence_radius_m}]})


PLACE_STATUSES = (SignUpStatus.CONFIRMED, SignUpStatus.ATTENDED)
# A losing racer reads again and then finds the winner's rows, so the second attempt
# answers; the third is there for a shift or volunteer deleted in between.
CHECK_IN_ATTEMPTS = 3


def _valid_key(idempotency_key: str, message: str) -> str:
    key = (idempotency_key or "").strip()
    if not key or len(key) > 100:
        raise ValidationError({"idempotency_key": [message]})
    return key


# Everything a check-in decides on, in one query: the shift's facts, the event already
# recorded under this key (a replay), the volunteer's attendance at this shift (a double
# tap), a confirmed place, and an attendance still open at another shift. Written out
# rather than built with the ORM: on the marathon-morning path, compiling the four
# subqueries cost 2 ms of CPU per check-in, ten times what running it costs; and read
# with a plain cursor (civitas.core.rows), not ``raw()`` (docs/performance.md). Every
# look-up is by a unique or (volunteer, …) index. The same SQL runs on SQLite and
# PostgreSQL; the tests run it on both.
CHECK_IN_FACTS_SQL = """
SELECT s.id, s.status, s.starts_at, s.ends_at, s.latitude, s.longitude, s.geofence_radius_m,
    (SELECT e.id FROM attendance_attendanceevent e WHERE e.idempotency_key = %s) AS replay_event_id,
    (SELECT a.id FROM attendance_attendance a WHERE a.shift_id = s.id AND a.volunteer_id = %s) AS attendance_here_id,
    EXISTS (SELECT 1 FROM projects_signup u
            WHERE u.shift_id = s.id AND u.volunteer_id = %s AND u.status IN (%s, %s)) AS has_place,
    EXISTS (SELECT 1 FROM attendance_attendance o
            WHERE o.volunteer_id = %s AND o.checked_out_at IS NULL AND o.shift_id <> s.id) AS open_elsewhere
FROM projects_shift s
WHERE s.id = %s
"""
# The Shift fields CHECK_IN_FACTS_SQL selects, in its order.
CHECK_IN_SHIFT_FIELDS = ("id", "status", "starts_at", "ends_at", "latitude", "longitude", "geofence_radius_m")


@dataclass
class CheckInFacts:
    """The shift's fields check-in reads (also what ``_check_geofence`` needs of a shift)
    and the answers to the rules' questions."""

    pk: int
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    latitude: Decimal | None
    longitude: Decimal | None
    geofence_radius_m: int | None
    replay_event_id: int | None
    attendance_here_id: int | None
    has_place: bool
    open_elsewhere: bool


def _check_in_facts(shift_id: int, volunteer_id: int, key: str) -> CheckInFacts | None:
    """What check-in decides on; None for no such shift."""
    params: list[Any] = [key, volunteer_id, volunteer_id, *(status.value for status in PLACE_STATUSES),
                         volunteer_id, shift_id]
    with connection.cursor() as cursor:
        cursor.execute(CHECK_IN_FACTS_SQL, params)
        row = cursor.fetchone()
    if row is None:
        return None
    fields: list[Any] = [Shift._meta.get_field(name) for name in CHECK_IN_SHIFT_FIELDS]
    pk, status, starts_at, ends_at, latitude, longitude, radius = rows.convert(
        connection.alias, Shift, fields, row[: len(fields)]
    )
    replay_event_id, attendance_here_id, has_place, open_elsewhere = row[len(fields):]
    return CheckInFacts(pk, status, starts_at, ends_at, latitude, longitude, radius, replay_event_id,
                        attendance_here_id, bool(has_place), bool(open_elsewhere))


def _check_in(*, shift_id: int, volunteer: Any, method: str, key: str, actor: Any, occurred_at: dt.datetime | None,
              latitude: Any, longitude: Any, override_reason: str) -> CheckResult:
    facts = _check_in_facts(shift_id, volunteer.pk, key)
    if facts is None:
        raise Http404
    if facts.replay_event_id is not None:
        replay = _replay(key)
        if replay is not None:
            return replay
    now = timezone.now()
    at = _moment(occurred_at, now)
    if method not in CheckMethod.values or method == CheckMethod.AUTOMATIC:
        raise ValidationError({"method": [_("Unknown way of checking in.")]})
    if facts.status != ShiftStatus.OPEN:
        raise Conflict(_("This shift is cancelled."), code="shift_cancelled")
    opens = facts.starts_at - dt.timedelta(minutes=settings.CIVITAS["CHECKIN_OPENS_MINUTES_BEFORE"])
    if at < opens:
        raise Conflict(_("Check-in opens at %(time)s.") % {"time": timezone.localtime(opens).strftime("%Y-%m-%d %H:%M")},
                       code="too_early")
    if at > facts.ends_at:
        raise Conflict(_("This shift has ended."), code="shift_ended")
    if not facts.has_place:
        raise ValidationError({"volunteer": [_("This volunteer has no confirmed place on this shift.")]})
    distance, overridden = _check_geofence(facts, method, latitude, longitude, override_reason, actor, volunteer)
    if facts.open_elsewhere:
        raise Conflict(_("This volunteer is still checked in at another shift; check out there first."),
                       code="checked_in_elsewhere")
    # Plain INSERTs: if a concurrent request got there first, IntegrityError undoes this
    # check-in's writes and _check_in_retrying reads again.
    event = AttendanceEvent(
        idempotency_key=key, kind=EventKind.CHECK_IN, method=method, shift_id=shift_id, volunteer_id=volunteer.pk,
        actor=actor, occurred_at=at, latitude=latitude, longitude=longitude, distance_m=distance,
        override_reason=override_reason.strip() if overridden else "",
    )
    if facts.attendance_here_id is not None:
        event.attendance = Attendance.objects.get(pk=facts.attendance_here_id)
        event.is_effective = False
        event.save(force_insert=True)
        return CheckResult(event.attendance, is_new=False, distance_m=distance)
    attendance = Attendance(
        shift_id=shift_id, volunteer=volunteer, checked_in_at=at, check_in_method=method,
        flags=[rules.GEOFENCE_OVERRIDDEN] if overridden else [], note=override_reason.strip() if overridden else "",
    )
    event.is_effective = True
    _insert_attendance_and_event(attendance, event)
    return CheckResult(attendance, is_new=True, distance_m=distance)


@functools.cache
def _insert_fields(model: Any, leave_out: str) -> tuple[Any, ...]:
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key and f.attname != leave_out)


def _new_row(obj: Any, *, leave_out: str = "") -> tuple[list[str], list[Any]]:
    """The columns and database values of an unsaved row, as ``save()`` would insert it."""
    fields = _insert_fields(obj.__class__, leave_out)
    return (
        [connection.ops.quote_name(f.column) for f in fields],
        [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields],
    )


def _insert_attendance_and_event(attendance: Attendance, event: AttendanceEvent) -> None:
    """Insert the attendance and its effective event. On PostgreSQL in one statement (a
    data-modifying WITH), which is atomic on its own: no BEGIN and COMMIT round trips. On
    SQLite, two inserts in the transaction _check_in_retrying holds."""
    if connection.vendor != "postgresql":
        attendance.save(force_insert=True)
        event.attendance = attendance
        event.save(force_insert=True)
        return
    link_field = AttendanceEvent._meta.get_field("attendance")
    a_columns, a_values = _new_row(attendance)
    e_columns, e_values = _new_row(event, leave_out=link_field.attname)
    quote = connection.ops.quote_name
    a_table, e_table = quote(Attendance._meta.db_table), quote(AttendanceEvent._meta.db_table)
    link = quote(link_field.column)
    a_slots, e_slots = ", ".join(["%s"] * len(a_values)), ", ".join(["%s"] * len(e_values))
    sql = (
        f"WITH new_attendance AS (INSERT INTO {a_table} ({', '.join(a_columns)}) VALUES ({a_slots}) RETURNING id)"  # noqa: S608 (quoted model names)
        f" INSERT INTO {e_table} ({', '.join(e_columns)}, {link}) VALUES ({e_slots}, (SELECT id FROM new_attendance))"
        f" RETURNING id, {link}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*a_values, *e_values])
        event.pk, attendance.pk = cursor.fetchone()
    for row in (attendance, event):
        row._state.adding, row._state.db = False, connection.alias
    event.attendance = attendance


def attendance_check_in(
    *,
    shift: Shift,
    volunteer: Any,
    method: str,
    idempotency_key: str,
    actor: Any = None,
    occurred_at: dt.datetime | None = None,
    latitude: Any = None,
    longitude: Any = None,
    override_reason: str = "",
) -> CheckResult:
    """Check a volunteer in, once: a replayed key answers the first result, a second key
    for the same check-in answers the attendance already there (``is_new`` false). The
    shift's state is read again inside the transaction; ``shift`` only names it."""
    return _check_in_retrying(
        shift_id=shift.pk, volunteer=volunteer, method=method, idempotency_key=idempotency_key, actor=actor,
        occurred_at=occurred_at, latitude=latitude, longitude=longitude, override_reason=override_reason,
    )


def attendance_check_in_with_code(
    *,
    shift_id: int,
    code: str,
    volunteer: Any,
    idempotency_key: str,
    occurred_at: dt.datetime | None = None,
    latitude: Any = None,
    longitude: Any = None,
) -> CheckResult:
    """The volunteer's own check-in with the shift's rotating code (``tokens.shift_code``),
    as their phone sends it: the code must name this shift and be of the current or the
    previous window. Costs no query of its own before the check-in's."""
    if tokens.shift_from_code(code) != shift_id:
        if not Shift.objects.filter(pk=shift_id).exists():
            raise Http404
        raise ValidationError({"code": [_("This code is not valid now: scan the code shown at the shift.")]})
    return _check_in_retrying(
        shift_id=shift_id, volunteer=volunteer, method=CheckMethod.SHIFT_QR, idempotency_key=idempotency_key,
        actor=volunteer, occurred_at=occurred_at, latitude=latitude, longitude=longitude, override_reason="",
    )


def _check_in_transaction() -> Any:
    """SQLite: one transaction around the read and the writes; it takes the write lock
    when it begins (IMMEDIATE), so no other writer comes between them. PostgreSQL: none of
    its own, since the one read and the one write statement are each atomic and READ
    COMMITTED would give each statement a fresh snapshot anyway; that saves BEGIN and
    COMMIT. Inside a caller's transaction, a savepoint, so a lost race can read again."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return contextlib.nullcontext()
    return transaction.atomic()


def _check_in_retrying(*, idempotency_key: str, **arguments: Any) -> CheckResult:
    key = _valid_key(idempotency_key, _("Every check-in needs an idempotency key (up to 100 characters)."))
    for attempt in range(1, CHECK_IN_ATTEMPTS + 1):
        try:
            with _check_in_transaction():
                return _check_in(key=key, **arguments)
        except IntegrityError:
            # Another request with this key, or for this volunteer and shift, committed
            # between our read and our insert, and our insert was undone: read again.
            if attempt == CHECK_IN_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _close(attendance: Attendance, *, at: dt.datetime, method: str, actor: Any, flags: list[str]) -> Attendance:
    """Check out: propose the service record (hours = the time served, at most what the
    shift credits, rounded) and mark the sign-up attended."""
    shift = attendance.shift
    at = max(at, attendance.checked_in_at)
    served = rules.span_hours(attendance.checked_in_at, at)
    hours = rules.round_hours(min(served, Decimal(shift.hours_credited)))
    all_flags = list(dict.fromkeys([*attendance.flags, *flags]))
    attendance.checked_out_at = at
    attendance.check_out_method = method
    attendance.flags = all_flags
    if hours > 0:
        attendance.record = record_create(
            volunteer=attendance.volunteer, organization=shift.project.organization, project=shift.project,
            shift=shift, started_at=attendance.checked_in_at, ended_at=at, hours=hours,
            source=RecordSource.ATTENDANCE, created_by=actor, flags=[f for f in all_flags if f in rules.RULE_LABELS],
            idempotency_key=f"attendance:{attendance.pk}", note=attendance.note,
        )
    attendance.save(update_fields=["checked_out_at", "check_out_method", "flags", "record"])
    SignUp.objects.filter(shift=shift, volunteer_id=attendance.volunteer_id, status=SignUpStatus.CONFIRMED).update(
        status=SignUpStatus.ATTENDED
    )
    return attendance


@transaction.atomic
def attendance_check_out(
    *,
    shift: Shift,
    volunteer: Any,
    method: str,
    idempotency_key: str,
    actor: Any = None,
    occurred_at: dt.datetime | None = None,
    latitude: Any = None,
    longitude: Any = None,
) -> CheckResult:
    key = _valid_key(idempotency_key, _("Every check-out needs an idempotency key (up to 100 characters)."))
    replay = _replay(key)
    if replay is not None:
        return replay
    at = _moment(occurred_at, timezone.now())
    close_by = shift.ends_at + dt.timedelta(hours=settings.CIVITAS["OPEN_ATTENDANCE_CLOSE_HOURS"])
    if at > close_by:
        raise Conflict(_("Attendance of this shift is closed."), code="attendance_closed")
    attendance = Attendance.objects.select_for_update().select_related("shift__project__organization").filter(
        shift=shift, volunteer=volunteer
    ).first()
    if attendance is None:
        raise ValidationError({"volunteer": [_("This volunteer has not checked in to this shift.")]})
    is_new = attendance.checked_out_at is None
    if is_new:
        _close(attendance, at=at, method=method, actor=actor, flags=[])
    claimed = _claim_key(key=key, kind=EventKind.CHECK_OUT, method=method, attendance=attendance, is_effective=is_new,
                         actor=actor, occurred_at=at, latitude=latitude, longitude=longitude)
    if not claimed:
        if is_new:
            raise Conflict(_("This idempotency key was already used for another request."), code="key_reused")
        return CheckResult(attendance, is_new=False)
    return CheckResult(attendance, is_new=is_new)


def close_open_attendance(*, now: dt.datetime | None = None) -> int:
    """Close every attendance still open ``OPEN_ATTENDANCE_CLOSE_HOURS`` after its shift
    ended, at the shift's end and flagged for review; mark confirmed sign-ups that never
    checked in as no-shows. A periodic task calls this (``tasks.py``); so does
    ``manage.py close_open_attendance``. Answers how many attendances were closed."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.CIVITAS["OPEN_ATTENDANCE_CLOSE_HOURS"])
    closed = 0
    open_ids = list(
        Attendance.objects.filter(checked_out_at__isnull=True, shift__ends_at__lte=cutoff).values_list("pk", flat=True)
    )
    for pk in open_ids:
        with transaction.atomic():
            attendance = Attendance.objects.select_for_update().select_related("shift__project__organization").get(pk=pk)
            if attendance.checked_out_at is not None:
                continue
            try:
                with transaction.atomic():
                    _close(attendance, at=attendance.shift.ends_at, method=CheckMethod.AUTOMATIC, actor=None,
                           flags=[rules.CLOSED_AUTOMATICALLY])
            except ValidationError as error:
                # The ledger refused the hours (an overlap, the daily cap): close without
                # a record and keep why, for the organizer to see.
                attendance.checked_out_at = attendance.shift.ends_at
                attendance.check_out_method = CheckMethod.AUTOMATIC
                attendance.record = None
                attendance.flags = [*attendance.flags, rules.CLOSED_AUTOMATICALLY]
                attendance.note = (attendance.note + "\n" + " ".join(error.messages)).strip()
                attendance.save(update_fields=["checked_out_at", "check_out_method", "record", "flags", "note"])
            closed += 1
    checked_in = Attendance.objects.filter(shift_id=OuterRef("shift_id"), volunteer_id=OuterRef("volunteer_id"))
    SignUp.objects.filter(
        status=SignUpStatus.CONFIRMED, shift__ends_at__lte=cutoff, shift__status=ShiftStatus.OPEN
    ).exclude(Exists(checked_in)).update(status=SignUpStatus.NO_SHOW)
    return closed
