from __future__ import annotations

import io
import random

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from civitas.accounts.models import ServiceCategory
from civitas.core.seeding import SCALES, SeedContext
from civitas.projects.models import Project, ProjectStatus, Shift, SignUp, SignUpStatus

HELD = ["confirmed", "offered", "attended", "no_show"]


def test_demo_seed_has_every_category_and_state_exact_counters_and_demo_shifts(db):
    ctx = SeedContext(scale=SCALES["demo"], rng=random.Random(7), out=io.StringIO(), quiet=True)
    for dotted in settings.SEED_STEPS[: settings.SEED_STEPS.index("civitas.projects.seed.seed_projects") + 1]:
        import_string(dotted)(ctx)
    assert Project.objects.count() == ctx.scale.projects == len(ctx.data["projects"])
    assert set(Project.objects.values_list("status", flat=True)) == set(ProjectStatus.values)
    assert set(Project.objects.values_list("category", flat=True)) == set(ServiceCategory.values)
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
