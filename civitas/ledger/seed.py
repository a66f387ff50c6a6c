"""Demo-city step for the ledger: a history of approved service records.

``scale.service_records`` entries over the last three years, hash-chained in bulk, so
that stars of every level appear: a few volunteers (more at larger scales) serve enough
hours for each level, the demo volunteer has a realistic history and a star level, and
everyone else serves now and then. Totals and rollups are rebuilt from the ledger at the
end, so they agree with it by construction.

On PostgreSQL the everyday history of the many (all but the planned few) is generated
inside the database (``seed_postgres``): at the large scale that is 30 million entries,
more than Python can build in the time the generator has.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.utils import timezone

from civitas.core.seeding import SeedContext, copy_rows
from civitas.ledger.models import (
    LedgerHead,
    RecordSource,
    RecordStatus,
    ServiceRecord,
    StarLevelEvent,
)
from civitas.ledger.services import (
    TWO_PLACES,
    entry_hash,
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


class _Entry(NamedTuple):
    """One service record as the generator writes it (the field names entry_hash reads)."""

    volunteer_id: int
    organization_id: int
    region_id: int
    project_id: int | None
    shift_id: int | None
    started_at: dt.datetime
    ended_at: dt.datetime
    hours: Decimal
    source: str
    created_at: dt.datetime
    decided_at: dt.datetime
    status: str = RecordStatus.APPROVED.value
    corrects_id: None = None
    sequence: int = 0
    previous_hash: str = ""
    entry_hash: str = ""


COLUMNS = list(_Entry._fields)


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
    # Past shifts, when the projects step made them: some records are that shift's hours.
    # Read from the database rather than ctx.data, so the step does not depend on how
    # the projects step passes them on.
    past_shifts = list(
        Shift.objects.filter(ends_at__lt=now - dt.timedelta(days=2), project__organization_id__in=organization_ids)
        .order_by("-ends_at", "pk")
        .values_list("pk", "project_id", "project__organization_id", "starts_at", "ends_at", "hours_credited")[:5000]
    )
    head, _created = LedgerHead.objects.get_or_create(pk=1)
    state = {"sequence": head.sequence, "hash": head.entry_hash}
    star_events: list[tuple[int, int, dt.datetime]] = []
    thresholds = [Decimal(t) for t in settings.CIVITAS["STAR_THRESHOLDS"]]
    planned, everyone = _plan(ctx, volunteer_ids)
    in_database = connection.vendor == "postgresql"
    today = timezone.localdate()

    def records_of(volunteer_id: int, count: int, hours_range: tuple[int, int], takes_shifts: bool) -> list[_Entry]:
        homes = rng.sample(organization_ids, min(len(organization_ids), rng.choice([1, 1, 2, 3])))
        days = sorted(rng.sample(range(3, HISTORY_DAYS), min(count, HISTORY_DAYS - 3)), reverse=True)
        used_days: set[dt.date] = set()
        rows = []
        for offset in days:
            day = today - dt.timedelta(days=offset)
            shift = None
            if takes_shifts and past_shifts and rng.random() < 0.3:
                candidate = past_shifts[rng.randrange(len(past_shifts))]
                candidate_day = timezone.localtime(candidate[3]).date()
                if candidate_day not in used_days and candidate[4] - candidate[3] <= dt.timedelta(hours=8):
                    shift = candidate
            if shift is not None:
                shift_id, project_id, organization_id, started_at, ended_at, credited = shift
                hours = min(Decimal(credited), Decimal((ended_at - started_at).total_seconds()) / 3600)
                hours = (hours * 2).quantize(Decimal("1")) / 2 or Decimal("0.5")
                day = timezone.localtime(started_at).date()
                source = RecordSource.ATTENDANCE.value
            else:
                if day in used_days:
                    continue
                organization_id = rng.choice(homes)
                project_id = rng.choice(projects[organization_id]) if projects.get(organization_id) else None
                shift_id = None
                hours = Decimal(rng.randint(hours_range[0] * 2, hours_range[1] * 2)) / 2
                start_hour = rng.choice([8, 9, 9, 10, 13, 14]) if hours <= 6 else 8
                started_at = timezone.make_aware(dt.datetime.combine(day, dt.time(start_hour, rng.choice([0, 30]))))
                ended_at = started_at + dt.timedelta(hours=float(hours))
                source = rng.choice(SOURCES)
            used_days.add(day)
            rows.append(_Entry(
                volunteer_id, organization_id, regions[organization_id], project_id, shift_id, started_at, ended_at,
                hours.quantize(TWO_PLACES), source, ended_at, ended_at + dt.timedelta(hours=rng.randint(2, 60)),
            ))
        rows.sort(key=lambda r: r.started_at)
        cumulative, level = Decimal("0"), 0
        for row in rows:
            cumulative += row.hours
            while level < len(thresholds) and cumulative >= thresholds[level]:
                level += 1
                star_events.append((volunteer_id, level, row.decided_at))
        return rows

    def chained(plan: list[_Plan]):  # type: ignore[no-untyped-def]
        for item in plan:
            for row in records_of(*item):
                state["sequence"] += 1
                row = row._replace(sequence=state["sequence"], previous_hash=state["hash"])
                row = row._replace(entry_hash=entry_hash(row, row.previous_hash))
                state["hash"] = row.entry_hash
                yield row

    in_python = planned if in_database else planned + everyone
    copy_rows(ServiceRecord, COLUMNS, chained(in_python), ctx=ctx, total=sum(p.records for p in in_python),
              label="service records" if not in_database else "planned records")
    if in_database:
        from civitas.ledger.seed_postgres import generate_history

        state["sequence"], state["hash"] = generate_history(
            ctx, [(p.volunteer_id, p.records) for p in everyone], organization_ids=organization_ids, regions=regions,
            projects=projects, sources=SOURCES, start=(state["sequence"], state["hash"]),
        )
    LedgerHead.objects.filter(pk=1).update(sequence=state["sequence"], entry_hash=state["hash"])
    copy_rows(StarLevelEvent, ["volunteer_id", "level", "reached_at"], star_events)
    totals_rebuild()
    rollups_rebuild()
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

