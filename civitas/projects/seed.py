"""Demo-city step for projects, shifts and sign-ups (see core.seeding).

The bulk of the city is written with bulk inserts and counters computed on the way; the
demo organizer's team gets its projects through the services, so the demo shows real
history and the demo volunteer has confirmed shifts coming up.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from civitas.accounts.models import ServiceCategory, Skill
from civitas.core.errors import Conflict
from civitas.core.seeding import SeedContext, bulk_insert
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


def seed_projects(ctx: SeedContext) -> None:
    personas = ctx.data["personas"]
    admin = personas["admin"]
    organizations = list(
        Organization.objects.filter(status=OrganizationStatus.APPROVED)
        .select_related("region").only("pk", "name", "name_en", "region_id", "region__latitude", "region__longitude")
        .order_by("pk")
    )
    team = ctx.data["team"]
    team_projects = _seed_team(ctx, team, personas)
    total = max(ctx.scale.projects - len(team_projects), 0)
    categories = ServiceCategory.values
    now = timezone.now()
    today = timezone.localdate()
    statuses: list[str] = []

    def projects():  # type: ignore[no-untyped-def]
        for index in range(total):
            organization = organizations[ctx.rng.randrange(len(organizations))]
            category = categories[index % len(categories)]
            title, title_en = TITLES[category][ctx.rng.randrange(2)]
            place = PLACES[ctx.rng.randrange(len(PLACES))]
            status = _status_for(ctx, index)
            statuses.append(status)
            past = status in (ProjectStatus.COMPLETED, ProjectStatus.EVALUATED)
            starts_on = today - dt.timedelta(days=ctx.rng.randrange(40, 120) if past else ctx.rng.randrange(-20, 20))
            project = Project(
                organization_id=organization.pk, region_id=organization.region_id, title=title, title_en=title_en,
                summary=f"{organization.name}在{place}开展{title}。", description=f"<p>欢迎热心居民报名参加{title}。</p>",
                category=category, status=status, place_name=place,
                latitude=_jitter(ctx, organization.region.latitude, 0.02),
                longitude=_jitter(ctx, organization.region.longitude, 0.02),
                beneficiary_kind="社区居民", beneficiary_count=ctx.rng.randrange(20, 500),
                budget=Decimal(ctx.rng.randrange(0, 50)) * 1000, starts_on=starts_on,
                ends_on=starts_on + dt.timedelta(days=ctx.rng.randrange(30, 120)),
                rating=ctx.rng.randrange(3, 6) if status == ProjectStatus.EVALUATED else None,
                evaluation_summary=REASONS["evaluate"] if status == ProjectStatus.EVALUATED else "",
                people_served=ctx.rng.randrange(20, 400) if status == ProjectStatus.EVALUATED else 0,
                created_by=admin, created_at=now - dt.timedelta(days=ctx.rng.randrange(1, 150)),
            )
            if index % 3 == 0:
                project.insurer, project.insurance_policy = "中国人寿", f"PA{index:08d}"
                project.insurance_starts_on, project.insurance_ends_on = starts_on, project.ends_on
            project.search_text = services.build_search_text(project, organization)
            yield project

    first_pk = (Project.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    bulk_insert(ctx, Project, projects(), total, "projects", batch=2000)
    rows = list(
        Project.objects.filter(pk__gt=first_pk).order_by("pk").values_list("pk", "status", "created_at", "organization_id")
    )

    def events():  # type: ignore[no-untyped-def]
        for pk, status, created_at, _organization_id in rows:
            yield ProjectEvent(project_id=pk, action="create", to_status=ProjectStatus.DRAFT, actor=admin, created_at=created_at)
            previous = ProjectStatus.DRAFT
            for step, action in enumerate(PATHS[status], start=1):
                to_status = services.TRANSITIONS[action][1]
                yield ProjectEvent(
                    project_id=pk, action=action, from_status=previous, to_status=to_status, actor=admin,
                    reason=REASONS.get(action, ""), created_at=created_at + dt.timedelta(days=step),
                )
                previous = to_status

    bulk_insert(ctx, ProjectEvent, events(), len(rows) * 4, "project history")
    shift_ids = _seed_shifts(ctx, [(pk, status) for pk, status, _c, _o in rows if status in WITH_SHIFTS])
    ctx.data["projects"] = [*team_projects, *(pk for pk, *_rest in rows)]
    ctx.data["shifts"] = [*Shift.objects.filter(project_id__in=team_projects).values_list("pk", flat=True), *shift_ids]


def _seed_shifts(ctx: SeedContext, projects: list[tuple[int, str]]) -> list[int]:
    if not projects:
        return []
    total = max(ctx.scale.shifts - Shift.objects.count(), len(projects))
    today = timezone.localdate()
    now = timezone.now()
    places = {pk: (place, lat, lon) for pk, place, lat, lon in Project.objects.filter(
        pk__in=[p for p, _s in projects]).values_list("pk", "place_name", "latitude", "longitude")}
    # per shift: how it should be filled, decided with the shift
    plans: list[tuple[int, int, bool]] = []  # (capacity, wanted sign-ups, is_past)

    def shifts():  # type: ignore[no-untyped-def]
        for index in range(total):
            project_id, status = projects[index % len(projects)]
            if status in (ProjectStatus.COMPLETED, ProjectStatus.EVALUATED):
                offset = -ctx.rng.randrange(1, 60)
            elif status == ProjectStatus.IN_PROGRESS:
                offset = ctx.rng.randrange(-21, 21)
            else:
                offset = ctx.rng.randrange(1, 35)
            day = today + dt.timedelta(days=offset)
            start = _local(day, ctx.rng.choice([8, 9, 14, 15, 18]))
            hours = ctx.rng.choice([2, 3, 4])
            capacity = ctx.rng.choice([4, 6, 8, 10, 12, 20])
            is_past = start < now
            recruiting = status in (ProjectStatus.RECRUITING, ProjectStatus.IN_PROGRESS)
            fill = ctx.rng.random()
            wanted = int(capacity * (0.6 + 0.4 * fill)) if is_past else (int(capacity * fill * 1.3) if recruiting else 0)
            plans.append((capacity, wanted, is_past))
            place, lat, lon = places[project_id]
            yield Shift(
                project_id=project_id, starts_at=start, ends_at=start + dt.timedelta(hours=hours), place_name=place,
                latitude=lat, longitude=lon, capacity=capacity, hours_credited=Decimal(hours),
                signup_deadline=start - dt.timedelta(hours=12), min_age=18 if index % 7 == 0 else None,
                requires_approval=index % 11 == 0, created_at=now,
            )

    first_pk = Shift.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    bulk_insert(ctx, Shift, shifts(), total, "shifts")
    shift_ids = list(Shift.objects.filter(pk__gt=first_pk).order_by("pk").values_list("pk", flat=True))
    skill_ids = list(Skill.objects.values_list("pk", flat=True))
    through = Shift.skills.through
    bulk_insert(
        ctx, through,
        (through(shift_id=pk, skill_id=skill_ids[i % len(skill_ids)]) for i, pk in enumerate(shift_ids) if i % 6 == 0 and skill_ids),
        len(shift_ids) // 6, "shift skills",
    )
    _seed_signups(ctx, shift_ids, plans)
    return shift_ids


def _seed_signups(ctx: SeedContext, shift_ids: list[int], plans: list[tuple[int, int, bool]]) -> None:
    volunteers: list[int] = ctx.data["volunteer_user_ids"]
    special = {ctx.data["personas"]["volunteer"].pk, ctx.data["personas"]["organizer"].pk}
    pool = [v for v in volunteers if v not in special] or volunteers
    now = timezone.now()
    expected = sum(min(w, len(pool)) for _c, w, _p in plans)

    def signups():  # type: ignore[no-untyped-def]
        for shift_id, (capacity, wanted, is_past) in zip(shift_ids, plans, strict=True):
            chosen = ctx.rng.sample(pool, min(wanted, len(pool)))
            waitlisted = 0
            for position, user_id in enumerate(chosen):
                if is_past:
                    status = SignUpStatus.NO_SHOW if ctx.rng.random() < 0.05 else SignUpStatus.ATTENDED
                    waitlist_position = None
                elif position < capacity:
                    status, waitlist_position = SignUpStatus.CONFIRMED, None
                else:
                    waitlisted += 1
                    status, waitlist_position = SignUpStatus.WAITLISTED, waitlisted
                yield SignUp(
                    shift_id=shift_id, volunteer_id=user_id, status=status, waitlist_position=waitlist_position,
                    created_at=now - dt.timedelta(days=1), decided_at=now - dt.timedelta(days=1),
                )

    bulk_insert(ctx, SignUp, signups(), expected, "sign-ups")
    _recount(shift_ids[0], shift_ids[-1])


def _recount(first_id: int, last_id: int) -> None:
    """Counters from the sign-ups themselves: one UPDATE for all new shifts."""

    def count(*statuses: str) -> Any:
        rows = (
            SignUp.objects.filter(shift=OuterRef("pk"), status__in=statuses)
            .order_by().values("shift").annotate(n=Count("pk")).values("n")
        )
        return Coalesce(Subquery(rows), 0)

    Shift.objects.filter(pk__gte=first_id, pk__lte=last_id).update(
        confirmed_count=count(SignUpStatus.CONFIRMED, SignUpStatus.OFFERED, SignUpStatus.ATTENDED, SignUpStatus.NO_SHOW),
        waitlisted_count=count(SignUpStatus.WAITLISTED),
        pending_count=count(SignUpStatus.PENDING),
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

