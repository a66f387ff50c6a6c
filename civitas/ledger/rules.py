"""The rules an entry of the ledger must pass. Every number is a setting
(``settings.CIVITAS``), because cities differ.

- one volunteer's approved or pending entries never overlap in time (refused);
- never more than ``DAY_MAX_HOURS`` in one local day (refused);
- a day's total up to ``DAY_ORGANIZATION_REVIEW_HOURS`` approves as usual; above it the
  organization reviews the entry (flag ``day_over_organization_limit``); above
  ``DAY_COMMITTEE_REVIEW_HOURS`` the committee does (``review_level = committee``);
- more hours than the span lasted plus ``SPAN_TOLERANCE_HOURS`` needs a reason, and is
  flagged for review (``exceeds_span``);
- hours of a time span (attendance, staff entry, import, a missing-hours report) are rounded
  to ``HOURS_ROUNDING_STEP`` the same way everywhere (``round_hours``); an online task or a
  course credits the hours it was published with, to the hundredth (``credited_hours``).

The overlap and span rules apply to ``SPAN_RULE_SOURCES`` (by default attendance, manual
and import), whose time span is the time really served; an online task's span is only
when the work was handed in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.ledger.models import RecordSource, RecordStatus, ReviewLevel, ServiceRecord

DAY_OVER_ORGANIZATION_LIMIT = "day_over_organization_limit"
DAY_OVER_COMMITTEE_LIMIT = "day_over_committee_limit"
EXCEEDS_SPAN = "exceeds_span"
CLOSED_AUTOMATICALLY = "closed_automatically"
GEOFENCE_OVERRIDDEN = "geofence_overridden"
CORRECTION = "correction"

# The rule named in review queues, in the reader's language.
RULE_LABELS = {
    DAY_OVER_ORGANIZATION_LIMIT: gettext_lazy("More hours in one day than the usual limit: the organization reviews"),
    DAY_OVER_COMMITTEE_LIMIT: gettext_lazy("Far more hours in one day than usual: the committee reviews"),
    EXCEEDS_SPAN: gettext_lazy("More hours than the time served"),
    CLOSED_AUTOMATICALLY: gettext_lazy("Never checked out: closed at the shift's end"),
    GEOFENCE_OVERRIDDEN: gettext_lazy("Checked in outside the check-in area by the organizer"),
    CORRECTION: gettext_lazy("Correction"),
}


def rule_label(code: str) -> str:
    return str(RULE_LABELS.get(code, code))


def _setting(name: str) -> Any:
    return settings.CIVITAS[name]


def round_hours(hours: Decimal) -> Decimal:
    """Round to the configured step (half hours by default); the same function rounds
    attendance, staff entry and import, so the same span always credits the same hours."""
    step = Decimal(_setting("HOURS_ROUNDING_STEP"))
    mode = {"down": ROUND_FLOOR, "up": ROUND_CEILING}.get(_setting("HOURS_ROUNDING"), ROUND_HALF_UP)
    hours = Decimal(hours)
    if step <= 0:
        return hours.quantize(Decimal("0.01"), rounding=mode)
    return ((hours / step).quantize(Decimal("1"), rounding=mode) * step).quantize(Decimal("0.01"))


# Sources whose hours are a fixed credit set by the task or course, not a measured span.
FIXED_CREDIT_SOURCES = frozenset({RecordSource.ONLINE, RecordSource.TRAINING})


def credited_hours(hours: Decimal, source: str) -> Decimal:
    """What an entry credits. Rounding to half hours evens out clock times at a door; a
    task announced as worth 0.2 h must credit 0.2 h (rounding it would give 0, which is
    refused, or 0.5, which is more than was promised)."""
    if source in FIXED_CREDIT_SOURCES:
        return Decimal(hours).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return round_hours(hours)


def span_hours(started_at: dt.datetime, ended_at: dt.datetime) -> Decimal:
    return (Decimal((ended_at - started_at).total_seconds()) / Decimal(3600)).quantize(Decimal("0.01"))


def local_day_bounds(moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    day = timezone.localtime(moment).date()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


@dataclass
class Outcome:
    flags: list[str] = field(default_factory=list)
    review_level: str = ReviewLevel.ORGANIZATION


def evaluate(
    *,
    volunteer_id: int,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    hours: Decimal,
    source: str,
    reason: str = "",
    exclude_pk: int | None = None,
) -> Outcome:
    """Check an entry against the rules: raises ValidationError for what is refused,
    answers the flags and the review level for what needs a second look."""
    outcome = Outcome()
    live = ServiceRecord.objects.filter(
        volunteer_id=volunteer_id, status__in=[RecordStatus.PENDING, RecordStatus.APPROVED], corrects__isnull=True
    )
    if exclude_pk:
        live = live.exclude(pk=exclude_pk)
    span_rules = source in _setting("SPAN_RULE_SOURCES")
    if span_rules and ended_at > started_at:
        overlapping = (
            live.filter(source__in=_setting("SPAN_RULE_SOURCES"), started_at__lt=ended_at, ended_at__gt=started_at)
            .exclude(started_at=F("ended_at"))  # a point in time overlaps nothing
            .first()
        )
        if overlapping is not None:
            raise ValidationError({"started_at": [_(
                "These hours overlap another entry of the same volunteer (%(start)s – %(end)s)."
            ) % {
                "start": timezone.localtime(overlapping.started_at).strftime("%Y-%m-%d %H:%M"),
                "end": timezone.localtime(overlapping.ended_at).strftime("%H:%M"),
            }]})
    day_start, day_end = local_day_bounds(started_at)
    day_total = (live.filter(started_at__gte=day_start, started_at__lt=day_end).aggregate(total=Sum("hours"))["total"]
                 or Decimal("0")) + hours
    if day_total > _setting("DAY_MAX_HOURS"):
        raise ValidationError({"hours": [_("No more than %(limit)s hours can be credited in one day.") % {
            "limit": _setting("DAY_MAX_HOURS")}]})
    if day_total > _setting("DAY_COMMITTEE_REVIEW_HOURS"):
        outcome.flags.append(DAY_OVER_COMMITTEE_LIMIT)
        outcome.review_level = ReviewLevel.COMMITTEE
    elif day_total > _setting("DAY_ORGANIZATION_REVIEW_HOURS"):
        outcome.flags.append(DAY_OVER_ORGANIZATION_LIMIT)
    if span_rules and hours > span_hours(started_at, ended_at) + Decimal(_setting("SPAN_TOLERANCE_HOURS")):
        if not (reason or "").strip():
            raise ValidationError({"note": [_(
                "%(hours)s hours is more than the time served (%(span)s hours): give a reason."
            ) % {"hours": hours, "span": span_hours(started_at, ended_at)}]})
        outcome.flags.append(EXCEEDS_SPAN)
    return outcome

