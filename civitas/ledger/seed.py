"""Demo-city step for the ledger: a history of approved service records.

``scale.service_records`` entries over the last three years, hash-chained in bulk, so
that stars of every level appear: a few volunteers (more at larger scales) serve enough
hours for each level, the demo volunteer has a realistic history and a star level, and
everyone else serves now and then. Totals and rollups are rebuilt from the ledger at the
end, so they agree with it by construction.

On PostgreSQL the everyday history of the many (all but the planned few) is generated
inside the database (``seed_postgres``): at the large scale that is 30 million entries,
more than Python can build in the time the generator has. On SQLite every entry is built
here (4 million at the medium scale), so a row costs little: each distinct moment and
hours value is prepared once per seed, the chain's HMAC starts from copies of the key's
pads, the rows are made in a child process while this one writes them, and the ledger's
indexes are built once they are in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterable, Iterator
from decimal import Decimal
from operator import itemgetter
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection
from django.utils import timezone

from civitas.core.seeding import (
    RowsFromChild,
    SeedContext,
    copy_rows,
    indexes_deferred,
    side_by_side,
)
from civitas.ledger.models import (
    LedgerHead,
    RecordSource,
    RecordStatus,
    ServiceRecord,
    StarLevelEvent,
)
from civitas.ledger.services import (
    TWO_PLACES,
    chain_pads,
    record_create,
    record_reject,
    rollups_rebuild,
    totals_rebuild,
)
from civitas.organizations.models import Organization

SOURCES = [
    source.value
    for source in [RecordSource.ATTENDANCE] * 14 + [RecordSource.MANUAL] * 3 + [RecordSource.ONLINE] * 2 + [RecordSource.IMPORT]
]
HISTORY_DAYS = 3 * 365
START_HOURS = (8, 9, 9, 10, 13, 14)
START_MINUTES = (0, 30)
# The columns the generator writes; the others get their defaults (``corrects`` none).
COLUMNS = [
    "volunteer_id", "organization_id", "region_id", "project_id", "shift_id", "started_at", "ended_at", "hours",
    "source", "created_at", "decided_at", "status", "sequence", "previous_hash", "entry_hash",
]
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECOND = dt.timedelta(microseconds=1)
HOUR = 3_600_000_000  # microseconds
BACKGROUND_FROM = 100_000  # records: from this many they are made in a child process


class _Moment(NamedTuple):
    """A moment of the generated history in the forms a row needs, made once per moment:
    microseconds since the epoch (to order entries), the value as the column stores it
    (``get_db_prep_save``: UTC text on SQLite) and the UTC ISO text ``entry_hash`` reads."""

    instant: int
    stored: Any
    iso: str


class _Moments:
    """Moments by local wall-clock minute or by instant, each prepared once per seed.

    A row used to cost two ``isoformat()`` calls for its hash and four datetime
    preparations for the database (about a third of its CPU); a history of three years
    has some hundred thousand distinct moments for millions of rows."""

    def __init__(self, connection: Any) -> None:
        self.field = ServiceRecord._meta.get_field("started_at")
        self.connection = connection
        self.zone = timezone.get_current_timezone()
        self.walls: dict[int, _Moment] = {}
        self.instants: dict[int, _Moment] = {}

    def _made(self, moment: dt.datetime) -> _Moment:
        return _Moment(
            (moment - EPOCH) // MICROSECOND,
            self.field.get_db_prep_save(moment, self.connection),
            moment.astimezone(dt.UTC).isoformat(),
        )

    def wall(self, minute: int) -> _Moment:
        """The local moment ``minute`` minutes after midnight of day 1 (date ordinals):
        what ``make_aware`` of that wall-clock time answers, and what adding hours to an
        aware local datetime answers (Python adds them to the wall clock)."""
        found = self.walls.get(minute)
        if found is None:
            day, minute_of_day = divmod(minute, 24 * 60)
            naive = dt.datetime.combine(dt.date.fromordinal(day), dt.time(*divmod(minute_of_day, 60)))
            found = self.walls[minute] = self._made(timezone.make_aware(naive, self.zone))
        return found

    def instant(self, instant: int) -> _Moment:
        found = self.instants.get(instant)
        if found is None:
            found = self.instants[instant] = self._made(EPOCH + instant * MICROSECOND)
        return found


class _Shift(NamedTuple):
    """A past shift whose hours a record may be credited, with what such a record reads."""

    shift_id: int
    project_id: int
    organization_id: int
    day: int  # local date's ordinal
    fits: bool  # at most eight hours long
    started: _Moment
    ended: _Moment
    half_hours: int


def _past_shift(moments: _Moments, shift: tuple[Any, ...]) -> _Shift:
    shift_id, project_id, organization_id, started_at, ended_at, credited = shift
    hours = min(Decimal(credited), Decimal((ended_at - started_at).total_seconds()) / 3600)
    hours = (hours * 2).quantize(Decimal("1")) / 2 or Decimal("0.5")
    return _Shift(
        shift_id, project_id, organization_id, timezone.localtime(started_at).date().toordinal(),
        ended_at - started_at <= dt.timedelta(hours=8),
        moments.instant((started_at - EPOCH) // MICROSECOND), moments.instant((ended_at - EPOCH) // MICROSECOND),
        int(hours * 2),
    )


# A record before its place in the chain: (start instant, organization, project, shift,
# started, ended, half hours, source, decided).
_Draft = tuple[int, int, int | None, int | None, _Moment, _Moment, int, str, _Moment]


class _Plan(NamedTuple):
    volunteer_id: int
    records: int
    hours: tuple[int, int]  # least and most hours per record
    takes_shifts: bool  # may be credited a past shift's hours


def _plan(ctx: SeedContext, volunteer_ids: list[int]) -> tuple[list[_Plan], list[_Plan]]:
    """Who serves how much: (the few with a planned history: the demo volunteer and some
    volunteers past each star threshold, everyone else now and then)."""
    thresholds = [Decimal(t) for t in settings.CIVITAS["STAR_THRESHOLDS"]]
    total = ctx.scale.service_records
    per_level = max(1, len(volunteer_ids) // 1000)
    planned: list[_Plan] = []
    budget = total
    # The demo volunteer: a couple of years of weekend mornings, past the first star.
    first_star = int(thresholds[0]) if thresholds else 100
    demo_records = min(max(math.ceil(first_star * 1.4 / 3.5), 1), budget)
    planned.append(_Plan(volunteer_ids[0], demo_records, (2, 5), True))
    budget -= demo_records
    pool = volunteer_ids[2:]
    cursor = 0
    for threshold in thresholds:
        records = math.ceil(float(threshold) * 1.08 / 6.5)
        for _ in range(per_level):
            if cursor >= len(pool) or records > budget * 0.9:
                break
            # Planned to pass the threshold: a past shift's shorter hours would fall short of it.
            planned.append(_Plan(pool[cursor], records, (5, 8), False))
            budget -= records
            cursor += 1
    everyone: list[_Plan] = []
    rest = pool[cursor:] or pool
    if rest and budget > 0:
        base, extra = divmod(budget, len(rest))
        for index, volunteer_id in enumerate(rest):
            count = base + (1 if index < extra else 0)
            if count:
                everyone.append(_Plan(volunteer_id, min(count, HISTORY_DAYS - 3), (1, 4), True))
    return planned, everyone


def seed_service_records(ctx: SeedContext) -> None:
    rng = ctx.rng
    volunteer_ids: list[int] = list(ctx.data.get("volunteer_user_ids") or [])
    organization_ids: list[int] = list(ctx.data.get("organizations") or [])
    if not organization_ids:
        organization_ids = list(Organization.objects.filter(status="approved").values_list("pk", flat=True))
    if not volunteer_ids or not organization_ids:
        ctx.say("  no volunteers or organizations: no service records")
        return
    organization_ids.sort()
    regions = dict(Organization.objects.filter(pk__in=organization_ids).values_list("pk", "region_id"))
    from civitas.projects.models import Project, Shift

    projects: dict[int, list[int]] = {}
    for pk, organization_id in (
        Project.objects.filter(organization_id__in=organization_ids).order_by("pk").values_list("pk", "organization_id")
    ):
        projects.setdefault(organization_id, []).append(pk)
    now = timezone.now()
    moments = _Moments(connection)
    # Past shifts, when the projects step made them: some records are that shift's hours.
    # Read from the database rather than ctx.data, so the step does not depend on how
    # the projects step passes them on.
    past_shifts = [
        _past_shift(moments, shift)
        for shift in Shift.objects.filter(
            ends_at__lt=now - dt.timedelta(days=2), project__organization_id__in=organization_ids
        )
        .order_by("-ends_at", "pk")
        .values_list("pk", "project_id", "project__organization_id", "starts_at", "ends_at", "hours_credited")[:5000]
    ]
    head, _created = LedgerHead.objects.get_or_create(pk=1)
    state: dict[str, Any] = {"sequence": head.sequence, "hash": head.entry_hash}
    star_events: list[tuple[int, int, dt.datetime]] = []
    # Thresholds in half hours: every generated record is a whole number of half hours.
    half_thresholds = [Decimal(t) * 2 for t in settings.CIVITAS["STAR_THRESHOLDS"]]
    planned, everyone = _plan(ctx, volunteer_ids)
    in_database = connection.vendor == "postgresql"
    today = timezone.localdate().toordinal()
    hours_field = ServiceRecord._meta.get_field("hours")
    # (stored value, the text entry_hash reads) by half hours.
    hours_forms = {
        half: (hours_field.get_db_prep_save(hours, connection), str(hours))
        for half in range(1, 2 * 24 + 1)
        for hours in [(Decimal(half) / 2).quantize(TWO_PLACES)]
    }
    attendance = RecordSource.ATTENDANCE.value
    # The random stream is drawn in the same order as ever, so a seed gives the ledger it
    # always gave; bound methods and precomputed forms keep the rest of a row cheap.
    choice, randint, randrange, random, sample = rng.choice, rng.randint, rng.randrange, rng.random, rng.sample
    wall, instant = moments.wall, moments.instant

    def records_of(volunteer_id: int, count: int, hours_range: tuple[int, int], takes_shifts: bool) -> list[_Draft]:
        """The volunteer's records, oldest first."""
        homes = sample(organization_ids, min(len(organization_ids), choice([1, 1, 2, 3])))
        days = sorted(sample(range(3, HISTORY_DAYS), min(count, HISTORY_DAYS - 3)), reverse=True)
        least, most = hours_range[0] * 2, hours_range[1] * 2
        with_shifts = len(past_shifts) if takes_shifts else 0
        used_days: set[int] = set()
        rows: list[_Draft] = []
        for offset in days:
            day = today - offset
            shift = None
            if with_shifts and random() < 0.3:
                candidate = past_shifts[randrange(with_shifts)]
                if candidate.day not in used_days and candidate.fits:
                    shift = candidate
            if shift is not None:
                day = shift.day
                ended = shift.ended
                rows.append((
                    shift.started.instant, shift.organization_id, shift.project_id, shift.shift_id, shift.started,
                    ended, shift.half_hours, attendance, instant(ended.instant + randint(2, 60) * HOUR),
                ))
            else:
                if day in used_days:
                    continue
                organization_id = choice(homes)
                choices = projects.get(organization_id)
                project_id = choice(choices) if choices else None
                half_hours = randint(least, most)
                start_hour = choice(START_HOURS) if half_hours <= 12 else 8
                start_minute = day * 1440 + start_hour * 60 + choice(START_MINUTES)
                end_minute = start_minute + half_hours * 30
                source = choice(SOURCES)
                started = wall(start_minute)
                rows.append((
                    started.instant, organization_id, project_id, None, started, wall(end_minute), half_hours, source,
                    wall(end_minute + randint(2, 60) * 60),
                ))
            used_days.add(day)
        rows.sort(key=itemgetter(0))
        cumulative, level = 0, 0
        for row in rows:
            cumulative += row[6]
            while level < len(half_thresholds) and cumulative >= half_thresholds[level]:
                level += 1
                star_events.append((volunteer_id, level, EPOCH + row[8].instant * MICROSECOND))
        return rows

    inner_pad, outer_pad = (hashlib.sha256(pad).copy for pad in chain_pads())
    approved = RecordStatus.APPROVED.value

    def chained(plan: list[_Plan]) -> Iterator[tuple]:
        """The rows, numbered and hash-chained as ``entry_hash`` chains them: HMAC-SHA256
        over the same text, from copies of the key's pads (RFC 2104)."""
        sequence, previous = state["sequence"], state["hash"]
        for item in plan:
            volunteer_id = item.volunteer_id
            for _instant, organization_id, project_id, shift_id, started, ended, half_hours, source, decided in (
                records_of(*item)
            ):
                sequence += 1
                hours, hours_text = hours_forms[half_hours]
                facts = (
                    f"{sequence}|{volunteer_id}|{organization_id}|{project_id or ''}|{shift_id or ''}|{started.iso}|"
                    f"{ended.iso}|{hours_text}|{source}||{previous}"
                )
                inner = inner_pad()
                inner.update(facts.encode())
                outer = outer_pad()
                outer.update(inner.digest())
                digest = outer.hexdigest()
                yield (
                    volunteer_id, organization_id, regions[organization_id], project_id, shift_id, started.stored,
                    ended.stored, hours, source, ended.stored, decided.stored, approved, sequence, previous, digest,
                )
                previous = digest
            state["sequence"], state["hash"] = sequence, previous

    in_python = planned if in_database else planned + everyone
    total = sum(p.records for p in in_python)
    rows: Iterable[tuple] = chained(in_python)
    if total >= BACKGROUND_FROM:
        # About as much CPU goes into making a row as into writing it: a child process
        # makes them (the same rows: it draws from the same random stream) while this one
        # writes, and hands back the stream, the chain's head and the star levels.
        rows = RowsFromChild(lambda: chained(in_python), lambda: (state, star_events, rng.getstate()))
    # Ten secondary indexes kept up row by row cost more than making the rows; built once
    # afterwards they cost a few seconds each at the medium scale.
    with indexes_deferred(ServiceRecord, ctx=ctx):
        copy_rows(ServiceRecord, COLUMNS, rows, ctx=ctx, total=total,
                  label="planned records" if in_database else "service records", as_stored=True)
        if isinstance(rows, RowsFromChild):
            made_state, made_events, random_state = rows.result
            state.update(made_state)
            star_events.extend(made_events)
            rng.setstate(random_state)
        if in_database:
            from civitas.ledger.seed_postgres import generate_history

            state["sequence"], state["hash"] = generate_history(
                ctx, [(p.volunteer_id, p.records) for p in everyone], organization_ids=organization_ids,
                regions=regions, projects=projects, sources=SOURCES, start=(state["sequence"], state["hash"]),
            )
    LedgerHead.objects.filter(pk=1).update(sequence=state["sequence"], entry_hash=state["hash"])
    copy_rows(StarLevelEvent, ["volunteer_id", "level", "reached_at"], star_events)
    # Two grouped passes over the whole ledger, one per volunteer and one per month and
    # organization: independent, so on two cores at once.
    side_by_side(totals_rebuild, rollups_rebuild)
    _demo_volunteer_open_items(ctx, volunteer_ids[0], organization_ids[0], projects)


def _demo_volunteer_open_items(ctx: SeedContext, volunteer_id: int, organization_id: int, projects: dict) -> None:
    """One record waiting for approval and one rejected (which the demo volunteer may
    appeal), so the pages show every state."""
    from civitas.accounts.models import User

    volunteer = User.objects.get(pk=volunteer_id)
    organization = Organization.objects.get(pk=organization_id)
    from civitas.projects.models import Project

    project_ids = projects.get(organization_id) or []
    project = Project.objects.get(pk=project_ids[0]) if project_ids else None
    organizer = ctx.data.get("personas", {}).get("organizer")
    today = timezone.localdate()
    for days_ago, hours in ((1, Decimal("3")), (2, Decimal("2.5"))):
        started_at = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(18, 30)))
        if ServiceRecord.objects.filter(volunteer=volunteer, started_at__date=started_at.date()).exists():
            continue
        record = record_create(
            volunteer=volunteer, organization=organization, project=project, started_at=started_at,
            ended_at=started_at + dt.timedelta(hours=float(hours)), hours=hours, source=RecordSource.MANUAL,
            created_by=organizer,
        )
        if days_ago == 2 and organizer is not None:
            record_reject(record=record, approver=organizer, reason="未在签到名单中，请补充说明。")

