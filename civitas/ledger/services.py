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
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core.errors import Conflict
from civitas.core.events import publish
from civitas.ledger.models import (
    RecordSource,
    RecordStatus,
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


def entry_hash(record: ServiceRecord, previous_hash: str) -> str:
    """The fingerprint of an approved entry: its facts and the previous entry's hash."""
    facts = "|".join(
        str(part)
        for part in (
            record.sequence,
            record.pk,
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
    return hashlib.sha256(facts.encode()).hexdigest()


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
) -> ServiceRecord:
    """Propose an entry (pending). Repeating a call with the same idempotency key answers
    the entry the first call made."""
    if idempotency_key:
        existing = ServiceRecord.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    hours = Decimal(hours).quantize(TWO_PLACES)
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
    try:
        with transaction.atomic():
            return ServiceRecord.objects.create(
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
                note=note,
                flags=list(flags or []),
                idempotency_key=idempotency_key or None,
            )
    except IntegrityError:
        existing = ServiceRecord.objects.filter(idempotency_key=idempotency_key).first() if idempotency_key else None
        if existing is None:
            raise
        return existing


def _append_to_chain(record: ServiceRecord) -> None:
    """Give an approved entry its place in the hash chain. The last entry is locked, so
    two approvals at once queue instead of forking the chain."""
    last = ServiceRecord.objects.select_for_update().filter(sequence__isnull=False).order_by("-sequence").first()
    record.sequence = (last.sequence + 1) if last else 1
    record.previous_hash = last.entry_hash if last else ""
    record.entry_hash = entry_hash(record, record.previous_hash)


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
        raise Conflict(_("A rejected record cannot be approved; the volunteer can appeal."))
    record.status = RecordStatus.APPROVED
    record.decided_by = approver
    record.decided_at = timezone.now()
    _append_to_chain(record)
    record.save(update_fields=["status", "decided_by", "decided_at", "sequence", "previous_hash", "entry_hash"])
    totals_apply(volunteer_id=record.volunteer_id, hours=record.hours, served_at=record.started_at)
    publish("record.approved", record_id=record.pk)
    return record


@transaction.atomic
def record_reject(*, record: ServiceRecord, approver: Any, reason: str) -> ServiceRecord:
    record = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    if record.status != RecordStatus.PENDING:
        raise Conflict(_("Only a pending record can be rejected."))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the volunteer a reason.")]})
    record.status = RecordStatus.REJECTED
    record.decided_by = approver
    record.decided_at = timezone.now()
    record.decision_reason = reason
    record.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    publish("record.rejected", record_id=record.pk)
    return record
