"""The one way hours enter the ledger.

Everything that credits hours (attendance, online tasks, training, staff entry, import)
calls ``record_create``; approval goes through ``record_approve``. Totals and star
levels move in the same transaction as the approval, and approved entries are chained
by hash. Rules of the ledger (overlap, daily caps, review levels, rounding) live in
``rules.py`` and are settings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    PositiveSmallIntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.accounts.audit import audit
from civitas.core import bulk_sql
from civitas.core.errors import Conflict
from civitas.core.events import publish
from civitas.ledger import rules
from civitas.ledger.models import (
    Appeal,
    AppealKind,
    AppealLevel,
    AppealStatus,
    HoursRollup,
    LedgerHead,
    RecordEvent,
    RecordSource,
    RecordStatus,
    ReviewLevel,
    ServiceRecord,
    StarLevelEvent,
    VolunteerTotals,
)

TWO_PLACES = Decimal("0.01")


def star_level_for(hours: Decimal) -> int:
    level = 0
    for threshold in settings.CIVITAS["STAR_THRESHOLDS"]:
        if hours >= threshold:
            level += 1
    return level


def _chain_key() -> bytes:
    configured = settings.CIVITAS.get("LEDGER_CHAIN_KEY") or ""
    return hashlib.sha256(f"civitas:ledger-chain:{configured or settings.SECRET_KEY}".encode()).digest()


def chain_pads() -> tuple[bytes, bytes]:
    """The chain key's HMAC inner and outer pads (RFC 2104), so the same entry_hash can be
    computed in SQL (the seed's generator does, with PostgreSQL's sha256())."""
    key = _chain_key()
    if len(key) > hashlib.sha256().block_size:
        key = hashlib.sha256(key).digest()
    key = key.ljust(hashlib.sha256().block_size, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def entry_hash(record: ServiceRecord, previous_hash: str) -> str:
    """The fingerprint of an approved entry: its facts and the previous entry's hash,
    keyed (HMAC) so that someone with only database access cannot forge a new link."""
    facts = "|".join(
        str(part)
        for part in (
            record.sequence,
            record.volunteer_id,
            record.organization_id,
            record.project_id or "",
            record.shift_id or "",
            record.started_at.astimezone(dt.UTC).isoformat(),
            record.ended_at.astimezone(dt.UTC).isoformat(),
            Decimal(record.hours).quantize(TWO_PLACES),
            record.source,
            record.corrects_id or "",
            previous_hash,
        )
    )
    return hmac.new(_chain_key(), facts.encode(), hashlib.sha256).hexdigest()


def _event(record: ServiceRecord, action: str, actor: Any = None, reason: str = "") -> None:
    RecordEvent.objects.create(record=record, action=action, actor=actor, reason=reason)


@transaction.atomic
def record_create(
    *,
    volunteer: Any,
    organization: Any,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    hours: Decimal,
    source: str,
    created_by: Any = None,
    project: Any = None,
    shift: Any = None,
    note: str = "",
    flags: list[str] | None = None,
    idempotency_key: str | None = None,
    reason: str = "",
) -> ServiceRecord:
    """Propose an entry (pending), checked against the ledger rules (``rules.py``):
    refused entries raise ValidationError, entries that need a second look carry the
    rule in ``flags`` and the level that reviews them. Hours of a time span are rounded
    the same way everywhere; an online task's or a course's credit is kept as it is. ``reason`` (or ``note``) explains hours beyond the time served.
    Repeating a call with the same idempotency key answers the entry the first call
    made."""
    if idempotency_key:
        existing = ServiceRecord.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    hours = rules.credited_hours(Decimal(hours), source)
    errors: dict[str, list[str]] = {}
    if source not in RecordSource.values:
        errors["source"] = [_("Unknown source of hours.")]
    if ended_at < started_at:
        errors["ended_at"] = [_("The end must not be before the start.")]
    if hours <= 0:
        errors["hours"] = [_("Hours must be more than zero.")]
    elif hours > 24:
        errors["hours"] = [_("No more than 24 hours can be credited for one entry.")]
    if errors:
        raise ValidationError(errors)
    reason = (reason or note or "").strip()
    outcome = rules.evaluate(
        volunteer_id=volunteer.pk, started_at=started_at, ended_at=ended_at, hours=hours, source=source, reason=reason
    )
    all_flags = list(dict.fromkeys([*(flags or []), *outcome.flags]))
    try:
        with transaction.atomic():
            record = ServiceRecord.objects.create(
                volunteer=volunteer,
                organization=organization,
                region_id=organization.region_id,
                project=project,
                shift=shift,
                started_at=started_at,
                ended_at=ended_at,
                hours=hours,
                source=source,
                created_by=created_by,
                note=note or reason,
                flags=all_flags,
                review_level=outcome.review_level,
                idempotency_key=idempotency_key or None,
            )
    except IntegrityError:
        existing = ServiceRecord.objects.filter(idempotency_key=idempotency_key).first() if idempotency_key else None
        if existing is None:
            raise
        return existing
    _event(record, "proposed", created_by, reason)
    return record


def _append_to_chain(record: ServiceRecord) -> None:
    """Give an approved entry its place in the hash chain. The head row is locked, so
    two approvals at once queue instead of forking the chain."""
    LedgerHead.objects.get_or_create(pk=1)
    head = LedgerHead.objects.select_for_update().get(pk=1)
    record.sequence = head.sequence + 1
    record.previous_hash = head.entry_hash
    record.entry_hash = entry_hash(record, record.previous_hash)
    head.sequence = record.sequence
    head.entry_hash = record.entry_hash
    head.save(update_fields=["sequence", "entry_hash"])


def rollup_add(
    *, organization_id: int, region_id: int, started_at: dt.datetime, source: str, hours: Decimal, records: int
) -> None:
    """Move the monthly rollup (HoursRollup) by F() upsert, in the caller's transaction."""
    keys = {
        "organization_id": organization_id,
        "region_id": region_id,
        "month": timezone.localtime(started_at).date().replace(day=1),
        "source": source,
    }
    changes = {"hours": F("hours") + hours, "approved_records": F("approved_records") + records}
    if HoursRollup.objects.filter(**keys).update(**changes):
        return
    try:
        with transaction.atomic():
            HoursRollup.objects.create(**keys, hours=hours, approved_records=records)
    except IntegrityError:
        # Another approval created the row first; ours adds to it.
        HoursRollup.objects.filter(**keys).update(**changes)


def totals_apply(*, volunteer_id: int, hours: Decimal, served_at: dt.datetime, records: int = 1) -> VolunteerTotals:
    """Add (or, for a negative correction, take back) hours on a volunteer's totals and
    move their star level, keeping its history."""
    totals, _created = VolunteerTotals.objects.select_for_update().get_or_create(volunteer_id=volunteer_id)
    year = timezone.localdate().year
    served_year = timezone.localtime(served_at).year
    if totals.year != year:
        totals.year_hours = Decimal("0")
        totals.year = year
    totals.total_hours = F("total_hours") + hours
    if served_year == year:
        totals.year_hours = F("year_hours") + hours
    totals.approved_records = F("approved_records") + records
    if hours > 0 and (totals.last_served_at is None or served_at > totals.last_served_at):
        totals.last_served_at = served_at
    totals.save()
    totals.refresh_from_db()
    new_level = star_level_for(totals.total_hours)
    if new_level != totals.star_level:
        now = timezone.now()
        if new_level > totals.star_level:
            StarLevelEvent.objects.bulk_create(
                StarLevelEvent(volunteer_id=volunteer_id, level=level, reached_at=now)
                for level in range(totals.star_level + 1, new_level + 1)
            )
            publish("star_level.reached", user_id=volunteer_id, level=new_level)
        else:
            StarLevelEvent.objects.filter(
                volunteer_id=volunteer_id, level__gt=new_level, revoked_at__isnull=True
            ).update(revoked_at=now)
        totals.star_level = new_level
        totals.save(update_fields=["star_level"])
    return totals


@transaction.atomic
def record_approve(*, record: ServiceRecord, approver: Any) -> ServiceRecord:
    record = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    if record.status == RecordStatus.APPROVED:
        raise Conflict(_("This record is already approved."), code="already_approved")
    if record.status == RecordStatus.REJECTED:
        raise Conflict(_("A rejected record cannot be approved; the volunteer can appeal."), code="rejected")
    record.status = RecordStatus.APPROVED
    record.decided_by = approver
    record.decided_at = timezone.now()
    _append_to_chain(record)
    record.save(update_fields=["status", "decided_by", "decided_at", "sequence", "previous_hash", "entry_hash"])
    _credit(record)
    _event(record, "approved", approver)
    audit(actor=approver, action="record.approve", target=record,
          details={"hours": str(record.hours), "volunteer_id": record.volunteer_id, "source": record.source})
    publish("record.approved", record_id=record.pk)
    return record


def _credit(record: ServiceRecord) -> None:
    counted = 0 if record.corrects_id else 1
    totals_apply(volunteer_id=record.volunteer_id, hours=record.hours, served_at=record.started_at, records=counted)
    rollup_add(
        organization_id=record.organization_id, region_id=record.region_id, started_at=record.started_at,
        source=record.source, hours=record.hours, records=counted,
    )


@transaction.atomic
def record_reject(*, record: ServiceRecord, approver: Any, reason: str) -> ServiceRecord:
    record = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    if record.status != RecordStatus.PENDING:
        raise Conflict(_("Only a pending record can be rejected."), code="not_pending")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the volunteer a reason.")]})
    record.status = RecordStatus.REJECTED
    record.decided_by = approver
    record.decided_at = timezone.now()
    record.decision_reason = reason
    record.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    _event(record, "rejected", approver, reason)
    audit(actor=approver, action="record.reject", target=record,
          details={"hours": str(record.hours), "volunteer_id": record.volunteer_id, "reason": reason})
    publish("record.rejected", record_id=record.pk)
    return record


@transaction.atomic
def record_correct(*, record: ServiceRecord, hours: Decimal, reason: str, actor: Any) -> ServiceRecord:
    """Correct an approved entry to ``hours`` (the right amount for that entry). The
    entry itself never changes: a new entry refers to it with the signed difference,
    is approved into the chain at once, and moves totals (possibly taking back a star
    level) and rollups."""
    original = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    if original.corrects_id:
        original = ServiceRecord.objects.select_for_update().get(pk=original.corrects_id)
    if original.status != RecordStatus.APPROVED:
        raise Conflict(_("Only an approved record can be corrected."), code="not_approved")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the hours are corrected.")]})
    hours = rules.credited_hours(Decimal(hours), original.source)
    if hours < 0:
        raise ValidationError({"hours": [_("Hours cannot be negative.")]})
    credited = original.hours + sum(
        (c.hours for c in original.corrections.filter(status=RecordStatus.APPROVED)), Decimal("0")
    )
    delta = (hours - credited).quantize(TWO_PLACES)
    if delta == 0:
        raise ValidationError({"hours": [_("These are already the hours credited.")]})
    if delta > 0:
        day_start, day_end = rules.local_day_bounds(original.started_at)
        day_total = (
            ServiceRecord.objects.filter(
                volunteer_id=original.volunteer_id, status__in=[RecordStatus.PENDING, RecordStatus.APPROVED],
                started_at__gte=day_start, started_at__lt=day_end,
            ).aggregate(total=Sum("hours"))["total"] or Decimal("0")
        ) + delta
        if day_total > settings.CIVITAS["DAY_MAX_HOURS"]:
            raise ValidationError({"hours": [_("No more than %(limit)s hours can be credited in one day.") % {
                "limit": settings.CIVITAS["DAY_MAX_HOURS"]}]})
    correction = ServiceRecord.objects.create(
        volunteer_id=original.volunteer_id, organization_id=original.organization_id, region_id=original.region_id,
        project_id=original.project_id, shift_id=original.shift_id, started_at=original.started_at,
        ended_at=original.ended_at, hours=delta, source=original.source, review_level=original.review_level,
        flags=[rules.CORRECTION], note=reason, corrects=original, created_by=actor,
    )
    _event(correction, "proposed", actor, reason)
    _event(original, "corrected", actor, reason)
    record_approve(record=correction, approver=actor)
    audit(actor=actor, action="record.correct", target=original,
          details={"from": str(credited), "to": str(hours), "correction_id": correction.pk, "reason": reason})
    publish("record.corrected", record_id=correction.pk, corrects_id=original.pk)
    correction.refresh_from_db()
    return correction


def shift_records_approve(*, shift: Any, approver: Any) -> int:
    """Approve in one action every pending entry of a shift that broke no rule; flagged
    entries stay in the review queue. Answers how many were approved."""
    count = 0
    with transaction.atomic():
        pending = ServiceRecord.objects.filter(
            shift=shift, status=RecordStatus.PENDING, review_level=ReviewLevel.ORGANIZATION, flags=[]
        ).order_by("pk")
        for record in pending:
            record_approve(record=record, approver=approver)
            count += 1
    return count


# --- Appeals ---------------------------------------------------------------------------


@transaction.atomic
def appeal_create(*, record: ServiceRecord, volunteer: Any, reason: str) -> Appeal:
    """A volunteer appeals a rejected record, once; the appeal goes to the level above
    the one that reviewed it."""
    record = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    if record.volunteer_id != volunteer.pk:
        raise PermissionDenied(_("Only the volunteer can appeal their own record."))
    if record.status != RecordStatus.REJECTED:
        raise Conflict(_("Only a rejected record can be appealed."), code="not_rejected")
    if Appeal.objects.filter(record=record).exists():
        raise Conflict(_("This record has already been appealed."), code="already_appealed")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the record should be credited.")]})
    level = AppealLevel.CITY if record.review_level == ReviewLevel.COMMITTEE else AppealLevel.COMMITTEE
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                kind=AppealKind.REJECTED_RECORD, volunteer=volunteer, record=record,
                organization_id=record.organization_id, region_id=record.region_id, project_id=record.project_id,
                shift_id=record.shift_id, started_at=record.started_at, ended_at=record.ended_at, hours=record.hours,
                reason=reason.strip(), level=level,
            )
    except IntegrityError as error:
        raise Conflict(_("This record has already been appealed."), code="already_appealed") from error
    _event(record, "appealed", volunteer, reason)
    publish("appeal.created", appeal_id=appeal.pk)
    return appeal


@transaction.atomic
def missing_hours_report(*, volunteer: Any, shift: Any, hours: Decimal, reason: str) -> Appeal:
    """A volunteer reports hours of a shift that were never recorded, once per shift;
    the committee over the organization answers."""
    from civitas.projects.models import SignUp

    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say what happened.")]})
    hours = rules.round_hours(Decimal(hours))
    if hours <= 0 or hours > settings.CIVITAS["DAY_MAX_HOURS"]:
        raise ValidationError({"hours": [_("Give the hours you served.")]})
    if shift.starts_at > timezone.now():
        raise ValidationError({"shift": [_("This shift has not started yet.")]})
    if not SignUp.objects.filter(shift=shift, volunteer=volunteer).exists():
        raise ValidationError({"shift": [_("You were not signed up for this shift.")]})
    if ServiceRecord.objects.filter(
        shift=shift, volunteer=volunteer, status__in=[RecordStatus.PENDING, RecordStatus.APPROVED]
    ).exists():
        raise Conflict(_("Hours for this shift are already recorded."), code="already_recorded")
    project = shift.project
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                kind=AppealKind.MISSING_HOURS, volunteer=volunteer, organization_id=project.organization_id,
                region_id=project.organization.region_id, project=project, shift=shift, started_at=shift.starts_at,
                ended_at=shift.ends_at, hours=hours, reason=reason.strip(), level=AppealLevel.COMMITTEE,
            )
    except IntegrityError as error:
        raise Conflict(_("You have already reported missing hours for this shift."), code="already_reported") from error
    publish("appeal.created", appeal_id=appeal.pk)
    return appeal


@transaction.atomic
def appeal_answer(*, appeal: Appeal, actor: Any, uphold: bool, answer: str) -> Appeal:
    """Answer an appeal with a reason. Upholding it credits the hours: a new entry,
    approved at once by the level that upheld it."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.status != AppealStatus.OPEN:
        raise Conflict(_("This appeal has already been answered."), code="already_answered")
    if not (answer or "").strip():
        raise ValidationError({"answer": [_("Give the volunteer a reason.")]})
    if uphold:
        record = record_create(
            volunteer=appeal.volunteer, organization=appeal.organization, project=appeal.project, shift=appeal.shift,
            started_at=appeal.started_at, ended_at=appeal.ended_at, hours=appeal.hours,
            source=appeal.record.source if appeal.record_id else RecordSource.MANUAL, created_by=actor,
            reason=answer, note=_("Credited on appeal: %(answer)s") % {"answer": answer.strip()},
        )
        record_approve(record=record, approver=actor)
        appeal.resulting_record = record
    appeal.status = AppealStatus.UPHELD if uphold else AppealStatus.DISMISSED
    appeal.answer = answer.strip()
    appeal.answered_by = actor
    appeal.answered_at = timezone.now()
    appeal.save(update_fields=["status", "answer", "answered_by", "answered_at", "resulting_record"])
    if appeal.record_id:
        _event(appeal.record, "appeal_upheld" if uphold else "appeal_dismissed", actor, answer)
    audit(actor=actor, action="appeal.uphold" if uphold else "appeal.dismiss", target=appeal,
          details={"hours": str(appeal.hours), "volunteer_id": appeal.volunteer_id, "answer": appeal.answer,
                   "record_id": appeal.resulting_record_id})
    publish("appeal.answered", appeal_id=appeal.pk, upheld=uphold)
    return appeal


# --- Rebuilding and checking -----------------------------------------------------------


def _star_level_expression(total: Any) -> Any:
    """``star_level_for`` in SQL: how many thresholds ``total`` reaches."""
    level: Any = Value(0)
    for threshold in settings.CIVITAS["STAR_THRESHOLDS"]:
        level = level + Case(When(GreaterThanOrEqual(total, Value(Decimal(threshold))), then=Value(1)), default=Value(0))
    return ExpressionWrapper(level, output_field=PositiveSmallIntegerField())


@transaction.atomic
@bulk_sql.whole_table_grouping()
def totals_rebuild() -> int:
    """Recompute every volunteer's totals and star level from the ledger; star levels
    reached are kept with their dates, levels no longer held are marked revoked (levels
    held now but never recorded are dated now). Answers how many volunteers' totals
    changed.

    Set-based: the ledger is grouped per volunteer in the database and written with
    ``UPDATE … FROM`` and ``INSERT … SELECT``, so no ledger row or totals row passes
    through Python (one grouped scan of the ledger when the totals are empty, as after
    seeding; three when they are kept and compared)."""
    now = timezone.now()
    year = timezone.localdate().year
    year_start = timezone.make_aware(dt.datetime(year, 1, 1))
    total = Round(Sum("hours"), 2, output_field=DecimalField(max_digits=9, decimal_places=2))
    figures = (
        ServiceRecord.objects.filter(status=RecordStatus.APPROVED)
        .order_by()
        .values("volunteer_id")
        .annotate(
            total_hours=total,
            year=Value(year, output_field=PositiveSmallIntegerField()),
            year_hours=Coalesce(
                Round(Sum("hours", filter=Q(started_at__gte=year_start)), 2),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=9, decimal_places=2),
            ),
            approved_records=Count("id", filter=Q(corrects__isnull=True)),
            star_level=_star_level_expression(total),
            last_served_at=Max("started_at", filter=Q(hours__gt=0)),
        )
    )
    fields = ["total_hours", "year", "year_hours", "approved_records", "star_level", "last_served_at"]
    changed = 0
    if VolunteerTotals.objects.exists():
        changed += bulk_sql.update_from(
            VolunteerTotals, figures.values("volunteer_id", *fields), match=["volunteer_id"], only_changed=True
        )
        # Kept totals of volunteers with no approved entry at all go back to nothing.
        zero = {"total_hours": 0, "year": year, "year_hours": 0, "approved_records": 0, "star_level": 0}
        changed += (
            VolunteerTotals.objects.filter(
                ~Exists(ServiceRecord.objects.filter(status=RecordStatus.APPROVED, volunteer_id=OuterRef("volunteer_id")))
            )
            .alias(kept_total=Round("total_hours", 2), kept_year_hours=Round("year_hours", 2))
            .exclude(
                kept_total=0, year=year, kept_year_hours=0, approved_records=0, star_level=0,
                last_served_at__isnull=True,
            )
            .update(**zero, last_served_at=None)
        )
    changed += bulk_sql.insert_select(
        VolunteerTotals,
        figures.filter(~Exists(VolunteerTotals.objects.filter(volunteer_id=OuterRef("volunteer_id"))))
        .order_by("volunteer_id")
        .values("volunteer_id", *fields),
    )
    # Star levels: every volunteer with totals now holds exactly the levels up to theirs.
    StarLevelEvent.objects.filter(
        Exists(VolunteerTotals.objects.filter(volunteer_id=OuterRef("volunteer_id"), star_level__lt=OuterRef("level"))),
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    for level in range(1, len(settings.CIVITAS["STAR_THRESHOLDS"]) + 1):
        held = StarLevelEvent.objects.filter(volunteer_id=OuterRef("volunteer_id"), level=level, revoked_at__isnull=True)
        bulk_sql.insert_select(
            StarLevelEvent,
            VolunteerTotals.objects.filter(~Exists(held), star_level__gte=level)
            .order_by("volunteer_id")
            .values(
                "volunteer_id",
                level=Value(level, output_field=PositiveSmallIntegerField()),
                reached_at=Value(now, output_field=DateTimeField()),
                revoked_at=Value(None, output_field=DateTimeField()),
            ),
        )
    return changed


@transaction.atomic
@bulk_sql.whole_table_grouping()
def rollups_rebuild() -> int:
    """Recompute HoursRollup from the ledger, in the database (``INSERT … SELECT``)."""
    HoursRollup.objects.all().delete()
    return bulk_sql.insert_select(
        HoursRollup,
        ServiceRecord.objects.filter(status=RecordStatus.APPROVED)
        .order_by()
        .annotate(month=bulk_sql.local_month("started_at"))
        .values("organization_id", "region_id", "month", "source")
        .annotate(
            sum_hours=Round(Sum("hours"), 2, output_field=DecimalField(max_digits=14, decimal_places=2)),
            approved_records=Count("id", filter=Q(corrects__isnull=True)),
        )
        .order_by("organization_id", "region_id", "month", "source")
        .values("organization_id", "region_id", "month", "source", "sum_hours", "approved_records"),
        fields=["organization_id", "region_id", "month", "source", "hours", "approved_records"],
    )


def ledger_verify() -> list[str]:
    """Walk the hash chain and answer every sign of an entry changed, inserted or
    deleted behind the application's back (an empty list when the ledger is intact)."""
    problems: list[str] = []
    expected = 1
    previous = ""
    fields = ["pk", "sequence", "status", "volunteer_id", "organization_id", "project_id", "shift_id", "started_at",
              "ended_at", "hours", "source", "corrects_id", "previous_hash", "entry_hash"]
    chain = ServiceRecord.objects.filter(sequence__isnull=False).order_by("sequence").only(*fields)
    for record in chain.iterator(chunk_size=5000):
        if record.sequence != expected:
            problems.append(_("Entries %(first)s to %(last)s of the chain are missing (deleted).") % {
                "first": expected, "last": record.sequence - 1})
        if record.previous_hash != previous:
            problems.append(_("Entry %(sequence)s (record %(pk)s) does not follow the entry before it (inserted or deleted).") % {
                "sequence": record.sequence, "pk": record.pk})
        if record.status != RecordStatus.APPROVED or entry_hash(record, record.previous_hash) != record.entry_hash:
            problems.append(_("Entry %(sequence)s (record %(pk)s) was changed.") % {
                "sequence": record.sequence, "pk": record.pk})
        previous = record.entry_hash
        expected = record.sequence + 1
    head = LedgerHead.objects.filter(pk=1).first()
    last = expected - 1
    if head is not None and (head.sequence != last or head.entry_hash != previous):
        problems.append(_("The chain ends at entry %(last)s but the ledger head says %(head)s (newest entries deleted or changed).") % {
            "last": last, "head": head.sequence})
    if head is None and last:
        problems.append(_("The ledger head is missing."))
    outside = ServiceRecord.objects.filter(status=RecordStatus.APPROVED, sequence__isnull=True).values_list("pk", flat=True)[:20]
    for pk in outside:
        problems.append(_("Record %(pk)s is approved but not in the chain (inserted).") % {"pk": pk})
    return problems
