"""Demo-city step for projects, shifts and sign-ups (see core.seeding).

The bulk of the city is written as plain tuples through ``copy_rows`` (COPY on
PostgreSQL) with the tables' indexes and foreign keys set aside until the rows are in
(``indexes_deferred``): at the large scale that is 200,000 projects, about 900,000 history
events, 2,000,000 shifts and some 8.5 million sign-ups, where model instances and row-by-row
index upkeep would cost many minutes. The demo organizer's team gets its projects through
the services first, so the demo shows real history and the demo volunteer has confirmed
shifts coming up.

How shifts are filled is decided with each shift, so its counters are written with it and
match its sign-ups without a recount:

- past shifts had a quarter to most of their places taken (85% at most), the sign-ups
  attended but for about one in twenty no-shows;
- upcoming shifts of recruiting or running projects fill as the day nears: up to 150% of
  their places for a shift tomorrow, less for one further off, none 45 days out; confirmed
  up to capacity, the rest waitlisted 1..N; on a shift that needs approval the newest
  sign-ups (up to two) still wait for it;
- other upcoming shifts (approved projects not yet recruiting) have none.

That is about four and a half sign-ups a shift: 8.6 million at the large scale, under six
for each volunteer over the three months the shifts span. A busy city, short of one where
every shift fills and each registered volunteer turns out every week or two.

Volunteers are taken by a stride over the pool (a random start and a random step small
enough that no one comes up twice on a shift) instead of sampling the pool for each shift;
the demo personas are left out, so their sign-ups are the ones the team made through the
services. Every bulk row is made from values in hand (no queries while a COPY runs) and of
its column's own type, which is what ``copy_rows(binary=True, streaming=True)`` asks.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import strip_tags

from civitas.accounts.models import ServiceCategory, Skill
from civitas.core.errors import Conflict
from civitas.core.seeding import SeedContext, copy_rows, indexes_deferred
from civitas.organizations import permissions as org_permissions
from civitas.organizations.models import Organization, OrganizationStatus, Region
from civitas.projects import services
from civitas.projects.models import (
    Project,
    ProjectEvent,
    ProjectStatus,
    Shift,
    SignUp,
    SignUpStatus,
)

TITLES: dict[str, list[tuple[str, str]]] = {
    "community": [("邻里互助日", "Neighbours helping neighbours"), ("社区便民服务", "Community help desk")],
    "elderly_disabled": [("社区养老助餐", "Meals for elderly neighbours"), ("助残陪伴行动", "Company for people with disabilities")],
    "children_education": [("四点半课堂", "After-school homework club"), ("留守儿童陪伴", "Company for left-behind children")],
    "environment": [("河道清洁行动", "River cleanup"), ("垃圾分类宣传", "Waste sorting outreach")],
    "civilized_traffic": [("文明交通劝导", "Road crossing guides"), ("共享单车整理", "Shared bike tidy-up")],
    "culture_sports": [("图书馆志愿服务", "Library helpers"), ("城市马拉松服务", "City marathon volunteers")],
    "health": [("社区义诊", "Free community clinic"), ("无偿献血宣传", "Blood donation drive")],
    "emergency": [("防汛应急值守", "Flood watch"), ("应急救护培训", "Emergency first aid training")],
    "rural": [("助农直播", "Helping farmers sell online"), ("乡村支教", "Teaching in village schools")],
    "legal_aid": [("法律咨询进社区", "Legal advice in the community"), ("普法宣传", "Know your rights")],
    "network_civilization": [("清朗网络行动", "Clean internet action"), ("网络文明宣传", "Good conduct online")],
    "other": [("志愿服务站值守", "Volunteer station duty"), ("节日关爱活动", "Holiday care visits")],
}
DESCRIPTIONS = {title: f"<p>欢迎热心居民报名参加{title}。</p>" for pairs in TITLES.values() for title, _en in pairs}
PLACES = ["社区活动中心", "街道党群服务中心", "文化广场", "社区食堂", "市民公园", "图书馆", "中心小学", "体育馆"]
STATUS_WEIGHTS = [
    (ProjectStatus.RECRUITING, 34), (ProjectStatus.IN_PROGRESS, 14), (ProjectStatus.COMPLETED, 14),
    (ProjectStatus.EVALUATED, 14), (ProjectStatus.APPROVED, 6), (ProjectStatus.SUBMITTED, 6),
    (ProjectStatus.DRAFT, 5), (ProjectStatus.RETURNED, 4), (ProjectStatus.REJECTED, 3),
]
PATHS = {
    ProjectStatus.DRAFT: [],
    ProjectStatus.SUBMITTED: ["submit"],
    ProjectStatus.APPROVED: ["submit", "approve"],
    ProjectStatus.RETURNED: ["submit", "return"],
    ProjectStatus.REJECTED: ["submit", "reject"],
    ProjectStatus.RECRUITING: ["submit", "approve", "recruit"],
    ProjectStatus.IN_PROGRESS: ["submit", "approve", "recruit", "start"],
    ProjectStatus.COMPLETED: ["submit", "approve", "recruit", "start", "complete"],
    ProjectStatus.EVALUATED: ["submit", "approve", "recruit", "start", "complete", "evaluate"],
}
REASONS = {"return": "请补充项目预算和保险信息。", "reject": "与已有项目重复。", "evaluate": "服务开展顺利，居民满意。"}
WITH_SHIFTS = {
    ProjectStatus.APPROVED, ProjectStatus.RECRUITING, ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED,
    ProjectStatus.EVALUATED,
}
Q6 = Decimal("0.000001")


def _jitter(ctx: SeedContext, base: Any, spread: float) -> Decimal | None:
    if base is None:
        return None
    return (Decimal(base) + Decimal(str(round(ctx.rng.uniform(-spread, spread), 6)))).quantize(Q6)


def _status_for(ctx: SeedContext, index: int) -> str:
    if index < len(STATUS_WEIGHTS) * 2:
        return STATUS_WEIGHTS[index % len(STATUS_WEIGHTS)][0]
    roll = ctx.rng.randrange(100)
    for status, weight in STATUS_WEIGHTS:
        if roll < weight:
            return status
        roll -= weight
    return ProjectStatus.RECRUITING


def _local(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _new_ids(model: type[Any], after: int) -> list[int]:
    """Primary keys written after ``after``, in the order the rows were written (the
    sequence numbers them in order within one connection)."""
    return list(model.objects.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True))


def _last_id(model: type[Any]) -> int:
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def seed_projects(ctx: SeedContext) -> None:
    team_projects = _seed_team(ctx, ctx.data["team"], ctx.data["personas"])
    # The team's sign-ups above went through the services, which need the sign-up indexes;
    # the rest of the city is loaded without them (see indexes_deferred).
    with indexes_deferred(Project, ProjectEvent, Shift, Shift.skills.through, SignUp, ctx=ctx):
        project_ids, with_shifts = _seed_city_projects(ctx, max(ctx.scale.projects - len(team_projects), 0))
        shift_ids = _seed_shifts(ctx, with_shifts)
    ctx.data["projects"] = [*team_projects, *project_ids]
    ctx.data["shifts"] = [*Shift.objects.filter(project_id__in=team_projects).values_list("pk", flat=True), *shift_ids]


def _seed_city_projects(ctx: SeedContext, total: int) -> tuple[list[int], list[tuple[int, str, str, Any, Any]]]:
    """Projects with their history; returns their ids and, for those that have shifts,
    (id, status, place, latitude, longitude)."""
    admin_id = ctx.data["personas"]["admin"].pk
    organizations = list(
        Organization.objects.filter(status=OrganizationStatus.APPROVED).order_by("pk")
        .values_list("pk", "name", "name_en", "region_id", "region__latitude", "region__longitude")
    )
    categories = ServiceCategory.values
    now = timezone.now()
    today = timezone.localdate()
    rng = ctx.rng
    description_texts = {title: strip_tags(html) for title, html in DESCRIPTIONS.items()}
    # per project, in the order written: (status, created_at, place, latitude, longitude)
    made: list[tuple[str, dt.datetime, str, Decimal | None, Decimal | None]] = []

    def projects():  # type: ignore[no-untyped-def]
        for index in range(total):
            organization_id, name, name_en, region_id, region_lat, region_lon = organizations[
                rng.randrange(len(organizations))
            ]
            category = categories[index % len(categories)]
            title, title_en = TITLES[category][rng.randrange(2)]
            place = PLACES[rng.randrange(len(PLACES))]
            status = _status_for(ctx, index)
            past = status in (ProjectStatus.COMPLETED, ProjectStatus.EVALUATED)
            starts_on = today - dt.timedelta(days=rng.randrange(40, 120) if past else rng.randrange(-20, 20))
            ends_on = starts_on + dt.timedelta(days=rng.randrange(30, 120))
            latitude, longitude = _jitter(ctx, region_lat, 0.02), _jitter(ctx, region_lon, 0.02)
            summary, description = f"{name}在{place}开展{title}。", DESCRIPTIONS[title]
            evaluated = status == ProjectStatus.EVALUATED
            insured = index % 3 == 0
            created_at = now - dt.timedelta(days=rng.randrange(1, 150))
            made.append((status, created_at, place, latitude, longitude))
            search_text = services.search_text_for(
                title=title, title_en=title_en, summary=summary, description_text=description_texts[title],
                category=category, place_name=place, address="", beneficiary_kind="社区居民",
                organization_name=name, organization_name_en=name_en,
            )
            yield (
                organization_id, region_id, title, title_en, summary, description, category, status, place,
                latitude, longitude, "社区居民", rng.randrange(20, 500), Decimal(rng.randrange(0, 50) * 1000),
                starts_on, ends_on, "中国人寿" if insured else "", f"PA{index:08d}" if insured else "",
                starts_on if insured else None, ends_on if insured else None,
                rng.randrange(3, 6) if evaluated else None, REASONS["evaluate"] if evaluated else "",
                rng.randrange(20, 400) if evaluated else 0, search_text, services.search_bigrams_for(search_text),
                admin_id, created_at, now,
            )

    first_pk = _last_id(Project)
    copy_rows(
        Project,
        ["organization_id", "region_id", "title", "title_en", "summary", "description", "category", "status",
         "place_name", "latitude", "longitude", "beneficiary_kind", "beneficiary_count", "budget", "starts_on",
         "ends_on", "insurer", "insurance_policy", "insurance_starts_on", "insurance_ends_on", "rating",
         "evaluation_summary", "people_served", "search_text", "search_bigrams", "created_by_id", "created_at",
         "updated_at"],
        projects(), ctx=ctx, total=total, label="projects", batch=10_000, binary=True, streaming=True,
    )
    project_ids = _new_ids(Project, first_pk)
    assert len(project_ids) == len(made), "projects were written while seeding"
    paths: dict[str, list[tuple[str, str, str]]] = {
        status: [(action, services.TRANSITIONS[action][1], REASONS.get(action, "")) for action in actions]
        for status, actions in PATHS.items()
    }
    days = [dt.timedelta(days=step) for step in range(len(PATHS[ProjectStatus.EVALUATED]) + 1)]

    def events():  # type: ignore[no-untyped-def]
        for pk, (status, created_at, *_place) in zip(project_ids, made, strict=True):
            yield (pk, "create", "", ProjectStatus.DRAFT, admin_id, "", created_at)
            previous = ProjectStatus.DRAFT
            for step, (action, to_status, reason) in enumerate(paths[status], start=1):
                yield (pk, action, previous, to_status, admin_id, reason, created_at + days[step])
                previous = to_status

    copy_rows(
        ProjectEvent, ["project_id", "action", "from_status", "to_status", "actor_id", "reason", "created_at"],
        events(), ctx=ctx, total=sum(1 + len(paths[status]) for status, *_rest in made), label="project history",
        binary=True, streaming=True,
    )
    with_shifts = [
        (pk, status, place, latitude, longitude)
        for pk, (status, _created, place, latitude, longitude) in zip(project_ids, made, strict=True)
        if status in WITH_SHIFTS
    ]
    return project_ids, with_shifts


# A shift's sign-ups, planned with the shift: (how many, of which held a place, waitlisted,
# pending, is past, signed up at, decided at). The rows follow the plan in that order.
Plan = tuple[int, int, int, int, bool, dt.datetime, dt.datetime | None]
PAST_FILL = (0.25, 0.85)  # past shifts: from a quarter of their places to most of them taken
UPCOMING_FILL = 1.5  # upcoming recruiting shifts: up to 150% of places signed up for ...
UPCOMING_HORIZON_DAYS = 45  # ... tomorrow, less the further off the shift is (none past 45 days)
NO_SHOW_RATE = 0.05
PENDING_MAX = 2  # newest sign-ups still waiting on shifts that need approval
HOURS = [8, 9, 14, 15, 18]
LENGTHS = [2, 3, 4]
CAPACITIES = [4, 6, 8, 10, 12, 20]


def _seed_shifts(ctx: SeedContext, projects: list[tuple[int, str, str, Any, Any]]) -> list[int]:
    if not projects:
        return []
    total = max(ctx.scale.shifts - Shift.objects.count(), len(projects))
    volunteers: list[int] = ctx.data["volunteer_user_ids"]
    special = {ctx.data["personas"]["volunteer"].pk, ctx.data["personas"]["organizer"].pk}
    pool = [v for v in volunteers if v not in special] or volunteers
    rng = ctx.rng
    random = rng.random
    today = timezone.localdate()
    now = timezone.now()
    hours_credited = {length: Decimal(length) for length in LENGTHS}
    signed_before = [dt.timedelta(days=days, hours=hours) for days in range(1, 11) for hours in (2, 7, 13, 20)]
    times: dict[tuple[int, int, int], tuple[dt.datetime, dt.datetime, dt.datetime]] = {}
    plans: list[Plan] = []
    recruiting_statuses = {ProjectStatus.RECRUITING, ProjectStatus.IN_PROGRESS}
    past_statuses = {ProjectStatus.COMPLETED, ProjectStatus.EVALUATED}

    def shifts():  # type: ignore[no-untyped-def]
        for index in range(total):
            project_id, status, place, latitude, longitude = projects[index % len(projects)]
            if status in past_statuses:
                offset = -rng.randrange(1, 60)
            elif status == ProjectStatus.IN_PROGRESS:
                offset = rng.randrange(-21, 21)
            else:
                offset = rng.randrange(1, 35)
            key = (offset, HOURS[int(random() * len(HOURS))], LENGTHS[int(random() * len(LENGTHS))])
            if key not in times:
                # In UTC: the same instant, and the cheapest datetime to copy.
                start = _local(today + dt.timedelta(days=key[0]), key[1]).astimezone(dt.UTC)
                times[key] = (start, start + dt.timedelta(hours=key[2]), start - dt.timedelta(hours=12))
            start, end, deadline = times[key]
            capacity = CAPACITIES[int(random() * len(CAPACITIES))]
            requires_approval = index % 11 == 0
            fill = random()
            before = signed_before[int(random() * len(signed_before))]
            if start < now:
                held = min(int(capacity * (PAST_FILL[0] + (PAST_FILL[1] - PAST_FILL[0]) * fill)), len(pool))
                plan = (held, held, 0, 0, True, start - before, end)
            elif status in recruiting_statuses:
                nearness = max(0.0, 1 - offset / UPCOMING_HORIZON_DAYS)
                wanted = min(int(capacity * UPCOMING_FILL * fill * nearness), len(pool))
                pending = min(wanted, PENDING_MAX) if requires_approval else 0
                held = min(wanted - pending, capacity)
                signed_at = now - before
                plan = (wanted, held, wanted - pending - held, pending, False, signed_at, signed_at)
            else:
                plan = (0, 0, 0, 0, False, now, None)
            plans.append(plan)
            yield (
                project_id, start, end, place, latitude, longitude, capacity, hours_credited[key[2]], deadline,
                18 if index % 7 == 0 else None, requires_approval, now, plan[1], plan[2], plan[3],
            )

    first_pk = _last_id(Shift)
    copy_rows(
        Shift,
        ["project_id", "starts_at", "ends_at", "place_name", "latitude", "longitude", "capacity", "hours_credited",
         "signup_deadline", "min_age", "requires_approval", "created_at", "confirmed_count", "waitlisted_count",
         "pending_count"],
        shifts(), ctx=ctx, total=total, label="shifts", binary=True, streaming=True,
    )
    shift_ids = _new_ids(Shift, first_pk)
    assert len(shift_ids) == len(plans), "shifts were written while seeding"
    skill_ids = list(Skill.objects.order_by("pk").values_list("pk", flat=True))
    if skill_ids:
        copy_rows(
            Shift.skills.through, ["shift_id", "skill_id"],
            ((pk, skill_ids[i % len(skill_ids)]) for i, pk in enumerate(shift_ids) if i % 6 == 0),
            ctx=ctx, total=(len(shift_ids) + 5) // 6, label="shift skills", binary=True, streaming=True,
        )
    _seed_signups(ctx, shift_ids, plans, pool)
    return shift_ids


def _seed_signups(ctx: SeedContext, shift_ids: list[int], plans: list[Plan], pool: list[int]) -> None:
    size = len(pool)
    random = ctx.rng.random
    attended, no_show = SignUpStatus.ATTENDED, SignUpStatus.NO_SHOW
    confirmed, waitlisted, pending = SignUpStatus.CONFIRMED, SignUpStatus.WAITLISTED, SignUpStatus.PENDING

    def signups():  # type: ignore[no-untyped-def]
        for shift_id, (wanted, held, waiting, _pending, is_past, signed_at, decided_at) in zip(
            shift_ids, plans, strict=True
        ):
            if not wanted:
                continue
            # Distinct volunteers: step * wanted <= size, so no one is taken twice.
            start, step = int(random() * size), 1 + int(random() * (size // wanted))
            chosen = [pool[(start + j * step) % size] for j in range(wanted)]
            if is_past:
                for volunteer_id in chosen:
                    yield (shift_id, volunteer_id, no_show if random() < NO_SHOW_RATE else attended, None, signed_at,
                           decided_at)
                continue
            for volunteer_id in chosen[:held]:
                yield shift_id, volunteer_id, confirmed, None, signed_at, decided_at
            for position, volunteer_id in enumerate(chosen[held:held + waiting], start=1):
                yield shift_id, volunteer_id, waitlisted, position, signed_at, decided_at
            for volunteer_id in chosen[held + waiting:]:
                yield shift_id, volunteer_id, pending, None, signed_at, None

    copy_rows(
        SignUp, ["shift_id", "volunteer_id", "status", "waitlist_position", "created_at", "decided_at"], signups(),
        ctx=ctx, total=sum(plan[0] for plan in plans), label="sign-ups", binary=True, streaming=True,
    )


def _seed_team(ctx: SeedContext, team: Organization, personas: dict[str, Any]) -> list[int]:
    """The demo organizer's team: a recruiting project with free places, one nearly full,
    one waiting for review and a draft; the demo volunteer is confirmed on upcoming shifts."""
    organizer, volunteer, admin = personas["organizer"], personas["volunteer"], personas["admin"]
    org_permissions.forget_cached_roles(organizer)
    region = Region.objects.get(pk=team.region_id)
    lat, lon = region.latitude, region.longitude
    today = timezone.localdate()
    saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)
    first_aid = Skill.objects.filter(code="first_aid").first()
    made = []

    def project(title: str, title_en: str, category: str, actions: list[str], **extra: Any) -> Project:
        item = services.project_create(
            organization=team, actor=organizer, title=title, title_en=title_en, category=category,
            summary=extra.pop("summary", ""), place_name=extra.pop("place_name", "社区活动中心"),
            latitude=_jitter(ctx, lat, 0.01), longitude=_jitter(ctx, lon, 0.01), **extra,
        )
        for action in actions:
            actor = admin if action in ("approve", "return", "reject") else organizer
            item = services.project_transition(project=item, action=action, actor=actor)
        made.append(item.pk)
        return item

    meals = project(
        "社区养老助餐服务", "Meals for elderly neighbours", "elderly_disabled", ["submit", "approve", "recruit"],
        summary="每周六为社区独居老人送餐、陪伴聊天。", beneficiary_kind="独居老人", beneficiary_count=60,
        insurer="中国人寿", insurance_policy="PA2026-0001", insurance_starts_on=today,
        insurance_ends_on=today + dt.timedelta(days=120),
    )
    series = services.shift_create_series(
        project=meals, actor=organizer, starts_at=_local(saturday, 9), ends_at=_local(saturday, 12), weeks=4,
        weekdays=["sat"], capacity=10, hours_credited=Decimal(3), requires_insurance=True, deadline_hours_before=12,
    )
    services.shift_create(
        project=meals, actor=organizer, title="健康巡访", starts_at=_local(saturday + dt.timedelta(days=21), 14),
        ends_at=_local(saturday + dt.timedelta(days=21), 17), capacity=4, hours_credited=Decimal(3),
        skills=[first_aid] if first_aid else [],
    )
    traffic = project(
        "文明交通劝导", "Road crossing guides", "civilized_traffic", ["submit", "approve", "recruit"],
        summary="早高峰在学校路口劝导文明出行。", place_name="中心小学路口",
    )
    nearly_full = services.shift_create(
        project=traffic, actor=organizer, starts_at=_local(saturday + dt.timedelta(days=1), 7),
        ends_at=_local(saturday + dt.timedelta(days=1), 9), capacity=8, hours_credited=Decimal(2),
    )
    project("河道清洁行动", "River cleanup", "environment", ["submit"], summary="沿江步道捡拾垃圾。")
    project("四点半课堂", "After-school homework club", "children_education", [], summary="为双职工家庭孩子辅导作业。")

    others = [v for v in ctx.data["volunteer_user_ids"] if v not in {volunteer.pk, organizer.pk}]
    from civitas.accounts.models import User

    helpers = list(User.objects.filter(pk__in=others[:40]).select_related("volunteer"))
    services.signup_create(shift=series[0], volunteer=volunteer)
    services.signup_create(shift=series[1], volunteer=volunteer)
    services.signup_create(shift=nearly_full, volunteer=volunteer)
    for user in helpers[:6]:
        _try_signup(nearly_full, user)
    for user in helpers[6:12]:
        _try_signup(series[0], user)
    return made


def _try_signup(shift: Shift, user: Any) -> None:
    """A seeded person may not meet a requirement; they are simply left out."""
    with contextlib.suppress(ValidationError, Conflict):
        services.signup_create(shift=shift, volunteer=user)

