"""Keeping the rollups in step with the ledger and the registries, and rebuilding them.

Hours enter through ``ledger_catch_up``: it takes in every approved ledger entry whose
chain sequence is past the watermark, in order, under a lock on the watermark row. That
makes it idempotent (an event handled twice adds nothing), ordered, and self-healing (a
missed event is taken in with the next one). Registrations add to counters with F();
organizations, memberships and projects are recounted for the few scopes they touch,
so they cannot drift. ``rebuild_all`` recomputes everything from raw data.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, DecimalField, F, Max, Q, Sum, Value
from django.db.models.functions import Coalesce, Round, TruncMonth
from django.utils import timezone

from civitas.insights.models import (
    Figures,
    FundingTally,
    LastService,
    LedgerWatermark,
    MonthFigures,
    ProjectFunding,
    ProjectTally,
)

ONLINE_SOURCES = ("online", "training")
ZERO = Decimal("0")
BATCH = 2000

Scope = tuple[str, int]  # ("region", id) or ("organization", id)


def chain(path: str | None) -> list[int]:
    """The region and all regions above it, from a materialized path ``/1/4/17/``."""
    return [int(part) for part in (path or "").strip("/").split("/") if part]


def month_of(moment: dt.datetime | dt.date) -> dt.date:
    if isinstance(moment, dt.datetime):
        moment = timezone.localtime(moment).date()
    return moment.replace(day=1)


def root_region_id() -> int | None:
    from civitas.organizations.models import Region

    return Region.objects.filter(parent__isnull=True).order_by("pk").values_list("pk", flat=True).first()


def _scope_filter(scope: Scope) -> dict[str, Any]:
    kind, pk = scope
    return {"region_id": pk, "organization_id": None} if kind == "region" else {"organization_id": pk, "region_id": None}


class Deltas:
    """Additions to rollup counters, collected in memory and applied as one F() update
    per row (created when missing)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[type, Scope, tuple[tuple[str, Any], ...]], dict[str, Any]] = defaultdict(
            lambda: defaultdict(int)
        )

    def add(self, model: type, scope: Scope, keys: dict[str, Any] | None = None, **amounts: Any) -> None:
        row = self.rows[(model, scope, tuple(sorted((keys or {}).items())))]
        for field, amount in amounts.items():
            row[field] += amount

    def apply(self) -> None:
        for (model, scope, keys), amounts in self.rows.items():
            amounts = {field: amount for field, amount in amounts.items() if amount}
            if amounts:
                bump(model, {**_scope_filter(scope), **dict(keys)}, amounts)


def bump(model: type, keys: dict[str, Any], amounts: dict[str, Any]) -> None:
    updates = {field: F(field) + amount for field, amount in amounts.items()}
    if model.objects.filter(**keys).update(**updates):
        return
    try:
        with transaction.atomic():
            model.objects.create(**keys, **amounts)
    except IntegrityError:
        # Another writer created the row between our update and insert.
        model.objects.filter(**keys).update(**updates)


def put(model: type, keys: dict[str, Any], values: dict[str, Any]) -> None:
    """Set (not add) values on a rollup row."""
    if not model.objects.filter(**keys).update(**values):
        try:
            with transaction.atomic():
                model.objects.create(**keys, **values)
        except IntegrityError:
            model.objects.filter(**keys).update(**values)


# --- Hours -----------------------------------------------------------------------------


def ledger_catch_up(batch: int = BATCH, max_batches: int | None = None) -> int:
    """Take in approved entries past the watermark (all, or at most ``max_batches``
    batches); answers how many."""
    from civitas.ledger.models import RecordStatus, ServiceRecord

    LedgerWatermark.objects.get_or_create(pk=1)
    taken = 0
    while True:
        with transaction.atomic():
            watermark = LedgerWatermark.objects.select_for_update().get(pk=1)
            rows = list(
                ServiceRecord.objects.filter(status=RecordStatus.APPROVED, sequence__gt=watermark.last_sequence)
                .order_by("sequence")
                .values(
                    "sequence", "volunteer_id", "organization_id", "started_at", "hours", "source",
                    region_path=F("region__path"), home_id=F("volunteer__volunteer__home_community_id"),
                )[:batch]
            )
            if not rows:
                return taken
            _take_in(rows)
            watermark.last_sequence = rows[-1]["sequence"]
            watermark.updated_at = timezone.now()
            watermark.save(update_fields=["last_sequence", "updated_at"])
            taken += len(rows)
        if len(rows) < batch:
            return taken
        if max_batches is not None:
            max_batches -= 1
            if max_batches <= 0:
                return taken


def _take_in(rows: list[dict[str, Any]]) -> None:
    from civitas.organizations.models import Region

    deltas = Deltas()
    latest: dict[int, dt.date] = {}
    latest_with: dict[tuple[int, int], dt.date] = {}
    for row in rows:
        month = month_of(row["started_at"])
        hours = row["hours"]
        online = row["source"] in ONLINE_SOURCES
        online_hours = hours if online else ZERO
        scopes: list[Scope] = [("region", pk) for pk in chain(row["region_path"])]
        scopes.append(("organization", row["organization_id"]))
        for scope in scopes:
            deltas.add(Figures, scope, total_hours=hours, online_hours=online_hours, approved_records=1)
            deltas.add(
                MonthFigures, scope, {"month": month},
                hours=hours, online_hours=online_hours, records=1, online_records=int(online),
            )
        if hours > 0:
            volunteer = row["volunteer_id"]
            latest[volunteer] = max(month, latest.get(volunteer, month))
            pair = (volunteer, row["organization_id"])
            latest_with[pair] = max(month, latest_with.get(pair, month))
    homes = {row["volunteer_id"]: row["home_id"] for row in rows}
    home_ids = {pk for pk in homes.values() if pk}
    paths = dict(Region.objects.filter(pk__in=home_ids).values_list("pk", "path")) if home_ids else {}
    root = root_region_id()

    def home_chain(region_id: int | None) -> list[int]:
        return chain(paths.get(region_id)) if region_id in paths else ([root] if root else [])

    existing = {
        (item.volunteer_id, item.organization_id): item
        for item in LastService.objects.filter(volunteer_id__in=latest.keys()).select_related("region")
    }
    for volunteer, month in latest.items():
        home = homes.get(volunteer)
        new_region = home if home in paths else root
        current = existing.get((volunteer, None))
        if current is None:
            LastService.objects.create(volunteer_id=volunteer, region_id=new_region, month=month)
        elif current.month < month:
            old_chain = chain(current.region.path) if current.region else []
            for pk in old_chain:
                deltas.add(MonthFigures, ("region", pk), {"month": current.month}, active_volunteers=-1)
            LastService.objects.filter(pk=current.pk).update(month=month, region_id=new_region)
        else:
            continue
        for pk in home_chain(home):
            deltas.add(MonthFigures, ("region", pk), {"month": month}, active_volunteers=1)
    for (volunteer, organization), month in latest_with.items():
        current = existing.get((volunteer, organization))
        if current is None:
            LastService.objects.create(volunteer_id=volunteer, organization_id=organization, month=month)
        elif current.month < month:
            deltas.add(MonthFigures, ("organization", organization), {"month": current.month}, active_volunteers=-1)
            LastService.objects.filter(pk=current.pk).update(month=month)
        else:
            continue
        deltas.add(MonthFigures, ("organization", organization), {"month": month}, active_volunteers=1)
    deltas.apply()


# --- Registries ------------------------------------------------------------------------


def volunteer_registered(*, user_id: int) -> None:
    from civitas.accounts.models import VolunteerProfile

    profile = (
        VolunteerProfile.objects.filter(user_id=user_id)
        .values("created_at", path=F("home_community__path"))
        .first()
    )
    if profile is None:
        return
    regions = chain(profile["path"]) or [root_region_id()]
    deltas = Deltas()
    for pk in regions:
        if pk:
            deltas.add(Figures, ("region", pk), registered_volunteers=1)
            deltas.add(MonthFigures, ("region", pk), {"month": month_of(profile["created_at"])}, new_volunteers=1)
    with transaction.atomic():
        deltas.apply()


def _organization_counts(queryset: Any) -> dict[str, int]:
    counts = dict(queryset.values_list("kind").annotate(n=Count("pk")).order_by())
    return {
        "organizations": sum(counts.values()),
        "member_units": counts.get("member_unit", 0),
        "teams": counts.get("team", 0),
        "stations": counts.get("station", 0),
    }


def organizations_recount(*, organization_id: int) -> None:
    """Recount approved organizations in every region above this one, and under its parent."""
    from civitas.organizations.models import Organization, OrganizationStatus, Region

    organization = Organization.objects.select_related("region").filter(pk=organization_id).first()
    if organization is None:
        return
    approved = Organization.objects.filter(status=OrganizationStatus.APPROVED)
    paths = dict(Region.objects.filter(pk__in=chain(organization.region.path)).values_list("pk", "path"))
    with transaction.atomic():
        for pk, path in paths.items():
            values = _organization_counts(approved.filter(region__path__startswith=path))
            values["communities"] = Region.objects.filter(level="community", path__startswith=path).count()
            put(Figures, {"region_id": pk, "organization_id": None}, values)
        for owner in {organization.pk, organization.parent_id} - {None}:
            put(Figures, {"organization_id": owner, "region_id": None}, _organization_counts(approved.filter(parent_id=owner)))
    # Its first administrator joined at registration, without a membership decision.
    members_recount(organization_id=organization.pk)


def members_recount(*, organization_id: int) -> None:
    from civitas.organizations.models import Membership, MembershipStatus

    members = Membership.objects.filter(organization_id=organization_id, status=MembershipStatus.APPROVED).count()
    put(Figures, {"organization_id": organization_id, "region_id": None}, {"members": members})


def project_tallies_recount(*, project_id: int) -> None:
    """Recount projects by status and category for the scopes of one project: at most a
    handful of grouped counts over indexed columns."""
    from civitas.organizations.models import Region
    from civitas.projects.models import Project

    counted = counted_projects(Project)

    project = Project.objects.select_related("region").filter(pk=project_id).first()
    if project is None:
        return
    paths = dict(Region.objects.filter(pk__in=chain(project.region.path)).values_list("pk", "path"))
    with transaction.atomic():
        for pk, path in paths.items():
            _replace_tallies(("region", pk), counted.filter(region__path__startswith=path))
        _replace_tallies(("organization", project.organization_id), counted.filter(organization_id=project.organization_id))


def counted_projects(project_model: Any) -> Any:
    """The projects the tallies count: all but drafts. A draft is the organization's
    own unfinished work, and creating one publishes no event (docs/events.md), so
    counting drafts would leave the tallies behind until some later transition."""
    from civitas.projects.models import ProjectStatus

    return project_model.objects.exclude(status=ProjectStatus.DRAFT)


def _replace_tallies(scope: Scope, projects: Any) -> None:
    keys = _scope_filter(scope)
    ProjectTally.objects.filter(**keys).delete()
    ProjectTally.objects.bulk_create(
        ProjectTally(**keys, status=row["status"], category=row["category"], projects=row["n"], people_served=row["served"] or 0)
        for row in projects.values("status", "category").annotate(n=Count("pk"), served=Sum("people_served")).order_by()
    )


def funding_apply(*, project: Any, source: str, budgeted: Decimal, received: Decimal, spent: Decimal) -> None:
    """Add a change of one project's funding to the scopes the project counts in."""
    deltas = Deltas()
    scopes: list[Scope] = [("region", pk) for pk in chain(project.region.path)]
    scopes.append(("organization", project.organization_id))
    for scope in scopes:
        deltas.add(FundingTally, scope, {"source": source}, budgeted=budgeted, received=received, spent=spent)
    deltas.apply()


# --- Rebuild -----------------------------------------------------------------------------


def rebuild_all() -> dict[str, int]:
    """Recompute every rollup from raw data (ledger, registries, projects, funding).

    The volume (the ledger, a LastService row per volunteer and per volunteer and
    organization) stays in the database: organizations' figures per month and the
    LastService rows are written with ``INSERT … SELECT … GROUP BY``, the volunteers
    active in an organization's month with ``UPDATE … FROM``. Regions are few (hundreds):
    the ledger grouped per region and month comes to Python, to be added to every region
    above through ``Region.path``, as registrations, organizations and projects are."""
    from civitas.accounts.models import VolunteerProfile
    from civitas.core import bulk_sql
    from civitas.ledger.models import RecordStatus, ServiceRecord
    from civitas.organizations.models import (
        Membership,
        MembershipStatus,
        Organization,
        OrganizationStatus,
        Region,
    )
    from civitas.projects.models import Project

    LedgerWatermark.objects.get_or_create(pk=1)
    with transaction.atomic(), bulk_sql.whole_table_grouping():
        watermark = LedgerWatermark.objects.select_for_update().get(pk=1)
        last_sequence = (
            ServiceRecord.objects.filter(status=RecordStatus.APPROVED).aggregate(m=Max("sequence"))["m"] or 0
        )
        approved = ServiceRecord.objects.filter(
            Q(sequence__lte=last_sequence) | Q(sequence__isnull=True), status=RecordStatus.APPROVED
        ).order_by()
        regions = {pk: chain(path) for pk, path in Region.objects.values_list("pk", "path")}
        root = root_region_id()

        def up(region_id: int | None) -> list[int]:
            return regions.get(region_id) or ([root] if root else [])

        figures: dict[Scope, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
        months: dict[tuple[Scope, dt.date], dict[str, Any]] = defaultdict(lambda: defaultdict(int))
        for model in (Figures, MonthFigures, ProjectTally, FundingTally, LastService):
            model.objects.all().delete()

        online = Q(source__in=ONLINE_SOURCES)
        month_sums = {  # named apart from the fields: "hours" is read by two of them
            "sum_hours": Round(Sum("hours"), 2, output_field=_hours_field()),
            "sum_online_hours": Coalesce(
                Round(Sum("hours", filter=online), 2), Value(ZERO), output_field=_hours_field()
            ),
            "count_records": Count("pk"),
            "count_online_records": Count("pk", filter=online),
        }
        month_fields = ["hours", "online_hours", "records", "online_records"]
        by_month = approved.annotate(month=bulk_sql.local_month("started_at"))
        for row in by_month.values("region_id", "month").annotate(**month_sums):
            sums = dict(zip(month_fields, (row[name] for name in month_sums), strict=True))
            for pk in up(row["region_id"]):
                scope: Scope = ("region", pk)
                figures[scope]["total_hours"] += sums["hours"]
                figures[scope]["online_hours"] += sums["online_hours"]
                figures[scope]["approved_records"] += sums["records"]
                for field, amount in sums.items():
                    months[(scope, row["month"])][field] += amount
        organization_months = bulk_sql.insert_select(
            MonthFigures,
            by_month.values("organization_id", "month")
            .annotate(**month_sums, new_volunteers=Value(0), active_volunteers=Value(0))
            .order_by("organization_id", "month")
            .values("organization_id", "month", *month_sums, "new_volunteers", "active_volunteers"),
            fields=["organization_id", "month", *month_fields, "new_volunteers", "active_volunteers"],
        )
        for row in (
            MonthFigures.objects.filter(organization__isnull=False)
            .values("organization_id")
            .annotate(
                sum_hours=Round(Sum("hours"), 2, output_field=_hours_field()),
                sum_online_hours=Round(Sum("online_hours"), 2, output_field=_hours_field()),
                sum_records=Sum("records"),
            )
            .order_by()
        ):
            scope = ("organization", row["organization_id"])
            figures[scope]["total_hours"] += row["sum_hours"]
            figures[scope]["online_hours"] += row["sum_online_hours"]
            figures[scope]["approved_records"] += row["sum_records"]

        # The month of the latest service with each organization, then overall: the latest
        # of those (a later start is never in an earlier local month).
        last_count = bulk_sql.insert_select(
            LastService,
            approved.filter(hours__gt=0)
            .values("volunteer_id", "organization_id")
            .annotate(month=bulk_sql.local_month(Max("started_at")))
            .order_by("volunteer_id", "organization_id")
            .values("volunteer_id", "organization_id", "month"),
        )
        home = F("volunteer__volunteer__home_community_id")
        last_count += bulk_sql.insert_select(
            LastService,
            LastService.objects.filter(organization__isnull=False)
            .values("volunteer_id")
            .annotate(home_region=Coalesce(home, Value(root)) if root else home, last_month=Max("month"))
            .order_by("volunteer_id")
            .values("volunteer_id", "home_region", "last_month"),
            fields=["volunteer_id", "region_id", "month"],
        )
        # Each (volunteer, organization) month above comes from an entry of that
        # organization in that month, so its row of MonthFigures is there to update.
        bulk_sql.update_from(
            MonthFigures,
            LastService.objects.filter(organization__isnull=False)
            .values("organization_id", "month")
            .annotate(active_volunteers=Count("pk"))
            .order_by()
            .values("organization_id", "month", "active_volunteers"),
            match=["organization_id", "month"],
        )
        # An overall row's region is the volunteer's home community, or the root when it
        # is unknown: the regions it counts in are that region and those above it.
        for region_id, month, count in (
            LastService.objects.filter(organization__isnull=True)
            .values_list("region_id", "month")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            for pk in up(region_id):
                months[(("region", pk), month)]["active_volunteers"] += count

        for home, created, count in (
            VolunteerProfile.objects.annotate(month=TruncMonth("created_at"))
            .values_list("home_community_id", "month")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            for pk in up(home):
                figures[("region", pk)]["registered_volunteers"] += count
                months[(("region", pk), month_of(created))]["new_volunteers"] += count

        approved_organizations = Organization.objects.filter(status=OrganizationStatus.APPROVED).order_by()
        kind_field = {"member_unit": "member_units", "team": "teams", "station": "stations"}
        for region_id, kind, count in approved_organizations.values_list("region_id", "kind").annotate(n=Count("pk")):
            for pk in up(region_id):
                figures[("region", pk)]["organizations"] += count
                figures[("region", pk)][kind_field[kind]] += count
        for parent_id, kind, count in (
            approved_organizations.filter(parent__isnull=False).values_list("parent_id", "kind").annotate(n=Count("pk"))
        ):
            figures[("organization", parent_id)]["organizations"] += count
            figures[("organization", parent_id)][kind_field[kind]] += count
        for region_id in Region.objects.filter(level="community").values_list("pk", flat=True):
            for pk in up(region_id):
                figures[("region", pk)]["communities"] += 1
        for organization_id, count in (
            Membership.objects.filter(status=MembershipStatus.APPROVED)
            .values_list("organization_id")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            figures[("organization", organization_id)]["members"] += count

        tallies: dict[tuple[Scope, str, str], list[int]] = defaultdict(lambda: [0, 0])
        for row in (
            counted_projects(Project).values("region_id", "organization_id", "status", "category")
            .annotate(n=Count("pk"), served=Sum("people_served"))
            .order_by()
        ):
            scopes = [("region", pk) for pk in up(row["region_id"])] + [("organization", row["organization_id"])]
            for scope in scopes:
                tallies[(scope, row["status"], row["category"])][0] += row["n"]
                tallies[(scope, row["status"], row["category"])][1] += row["served"] or 0

        funding: dict[tuple[Scope, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for row in (
            ProjectFunding.objects.values("project__region_id", "project__organization_id", "source")
            .annotate(b=Sum("budgeted"), r=Sum("received"), s=Sum("spent"))
            .order_by()
        ):
            scopes = [("region", pk) for pk in up(row["project__region_id"])]
            scopes.append(("organization", row["project__organization_id"]))
            for scope in scopes:
                funding[(scope, row["source"])]["budgeted"] += row["b"]
                funding[(scope, row["source"])]["received"] += row["r"]
                funding[(scope, row["source"])]["spent"] += row["s"]

        Figures.objects.bulk_create(
            (Figures(**_scope_filter(scope), **values) for scope, values in figures.items()), batch_size=2000
        )
        MonthFigures.objects.bulk_create(
            (MonthFigures(**_scope_filter(scope), month=month, **values) for (scope, month), values in months.items()),
            batch_size=2000,
        )
        ProjectTally.objects.bulk_create(
            (
                ProjectTally(**_scope_filter(scope), status=status, category=category, projects=n, people_served=served)
                for (scope, status, category), (n, served) in tallies.items()
            ),
            batch_size=2000,
        )
        FundingTally.objects.bulk_create(
            (FundingTally(**_scope_filter(scope), source=source, **values) for (scope, source), values in funding.items()),
            batch_size=2000,
        )
        watermark.last_sequence = last_sequence
        watermark.updated_at = timezone.now()
        watermark.save(update_fields=["last_sequence", "updated_at"])
    return {
        "figures": len(figures),
        "months": len(months) + organization_months,
        "project_tallies": len(tallies),
        "funding": len(funding),
        "last_service": last_count,
    }


def _hours_field() -> DecimalField:
    return DecimalField(max_digits=14, decimal_places=2)


def snapshot() -> dict[str, Any]:
    """Every rollup row with a non-zero figure, keyed by scope: what a rebuild must equal."""
    result: dict[str, Any] = {}
    for model, keys in (
        (Figures, ()),
        (MonthFigures, ("month",)),
        (ProjectTally, ("status", "category")),
        (FundingTally, ("source",)),
    ):
        for row in model.objects.values():
            row.pop("id")
            region_id, organization_id = row.pop("region_id"), row.pop("organization_id")
            scope = f"r{region_id}" if region_id else f"o{organization_id}"
            key = "|".join((model.__name__, scope, *(str(row.pop(k)) for k in keys)))
            numbers = {field: value for field, value in row.items() if value}
            if numbers:
                result[key] = numbers
    result["last_service"] = sorted(
        (row["volunteer_id"], row["organization_id"] or 0, str(row["month"]))
        for row in LastService.objects.values("volunteer_id", "organization_id", "month")
    )
    return result
