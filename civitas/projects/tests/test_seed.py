from __future__ import annotations

import datetime as dt
import io
import random
from collections import defaultdict

import time_machine
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from civitas.accounts.models import ServiceCategory
from civitas.core.seeding import SCALES, SeedContext
from civitas.projects import services
from civitas.projects.models import Project, ProjectStatus, Shift, SignUp, SignUpStatus
from civitas.projects.seed import seed_projects

HELD = ["confirmed", "offered", "attended", "no_show"]


def seed_before_projects(seed: int) -> SeedContext:
    ctx = SeedContext(scale=SCALES["demo"], rng=random.Random(seed), out=io.StringIO(), quiet=True)
    for dotted in settings.SEED_STEPS[: settings.SEED_STEPS.index("civitas.projects.seed.seed_projects")]:
        import_string(dotted)(ctx)
    return ctx


def test_demo_seed_has_every_category_and_state_exact_counters_and_demo_shifts(db):
    ctx = seed_before_projects(7)
    seed_projects(ctx)
    assert Project.objects.count() == ctx.scale.projects == len(ctx.data["projects"])
    assert set(Project.objects.values_list("status", flat=True)) == set(ProjectStatus.values)
    assert set(Project.objects.values_list("category", flat=True)) == set(ServiceCategory.values)
    for search_text, search_bigrams in Project.objects.values_list("search_text", "search_bigrams"):
        assert search_bigrams == services.search_bigrams_for(search_text)
    assert Shift.objects.count() == len(ctx.data["shifts"]) >= ctx.scale.shifts - 10
    shifts = Shift.objects.annotate(
        held=Count("signups", filter=Q(signups__status__in=HELD)),
        waiting=Count("signups", filter=Q(signups__status="waitlisted")),
        pending=Count("signups", filter=Q(signups__status="pending")),
    )
    for shift in shifts:
        assert (shift.confirmed_count, shift.waitlisted_count, shift.pending_count) == (shift.held, shift.waiting, shift.pending)
        assert shift.confirmed_count <= shift.capacity
    team_projects = Project.objects.filter(organization=ctx.data["team"], status=ProjectStatus.RECRUITING)
    upcoming = Shift.objects.filter(project__in=team_projects, starts_at__gt=timezone.now())
    assert any(s.places_left > 1 for s in upcoming)
    assert any(s.places_left == 1 for s in upcoming)  # nearly full
    volunteer = ctx.data["personas"]["volunteer"]
    assert SignUp.objects.filter(volunteer=volunteer, status=SignUpStatus.CONFIRMED, shift__starts_at__gt=timezone.now()).count() >= 2


def test_bulk_sign_ups_are_distinct_ordered_and_leave_the_personas_to_the_team(db):
    ctx = seed_before_projects(11)
    seed_projects(ctx)
    personas = {ctx.data["personas"]["volunteer"].pk, ctx.data["personas"]["organizer"].pk}
    team_shifts = set(Shift.objects.filter(project__organization=ctx.data["team"]).values_list("pk", flat=True))
    now = timezone.now()
    by_shift: dict[int, list[tuple[int, str, int | None]]] = defaultdict(list)
    rows = SignUp.objects.exclude(shift__in=team_shifts).order_by("pk").values_list(
        "shift_id", "volunteer_id", "status", "waitlist_position", "shift__starts_at"
    )
    for shift_id, volunteer_id, status, position, starts_at in rows:
        assert volunteer_id not in personas
        if starts_at < now:
            assert status in (SignUpStatus.ATTENDED, SignUpStatus.NO_SHOW)
        else:
            assert status in (SignUpStatus.CONFIRMED, SignUpStatus.WAITLISTED, SignUpStatus.PENDING)
        by_shift[shift_id].append((volunteer_id, status, position))
    assert {status for signups in by_shift.values() for _v, status, _p in signups} >= {
        SignUpStatus.ATTENDED, SignUpStatus.CONFIRMED, SignUpStatus.WAITLISTED,
    }
    for signups in by_shift.values():
        volunteers = [volunteer_id for volunteer_id, _s, _p in signups]
        assert len(volunteers) == len(set(volunteers))
        positions = [position for _v, status, position in signups if status == SignUpStatus.WAITLISTED]
        assert positions == list(range(1, len(positions) + 1))


def fingerprint() -> tuple[list[tuple], list[tuple], list[tuple]]:
    """The city's projects, shifts and sign-ups without their ids, which a second run
    numbers afresh."""
    project_ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    place = {pk: index for index, pk in enumerate(project_ids)}
    projects = list(Project.objects.order_by("pk").values_list(
        "organization_id", "title", "status", "category", "latitude", "starts_on", "search_text", "created_at",
    ))
    shift_ids = list(Shift.objects.order_by("pk").values_list("pk", flat=True))
    shift_place = {pk: index for index, pk in enumerate(shift_ids)}
    shifts = [
        (place[project_id], *rest)
        for project_id, *rest in Shift.objects.order_by("pk").values_list(
            "project_id", "starts_at", "capacity", "confirmed_count", "waitlisted_count", "pending_count",
        )
    ]
    signups = [
        (shift_place[shift_id], *rest)
        for shift_id, *rest in SignUp.objects.order_by("pk").values_list(
            "shift_id", "volunteer_id", "status", "waitlist_position", "created_at",
        )
    ]
    return projects, shifts, signups


def test_the_same_seed_builds_the_same_projects_shifts_and_sign_ups(db):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        ctx = seed_before_projects(5)
        state, data = ctx.rng.getstate(), dict(ctx.data)
        with transaction.atomic():
            seed_projects(ctx)
            first = fingerprint()
            transaction.set_rollback(True)
        ctx.rng.setstate(state)
        seed_projects(SeedContext(scale=ctx.scale, rng=ctx.rng, out=io.StringIO(), quiet=True, data=data))
        second = fingerprint()
    assert len(first[2]) > 100  # sign-ups were made
    assert first == second
