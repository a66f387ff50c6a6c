"""Shared builders for the projects tests: a recruiting project of organization A with shifts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from civitas.projects import services
from civitas.projects.models import Project, Shift


def next_week(hour: int = 9, days: int = 7) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def make_project(cast: Any, *, status: str = "recruiting", **fields: Any) -> Project:
    defaults = {
        "title": "社区养老助餐服务", "title_en": "Meals for elderly neighbours", "category": "elderly_disabled",
        "summary": "为社区老人送餐", "place_name": "和平社区食堂", "latitude": Decimal("30.593100"),
        "longitude": Decimal("114.305400"),
    }
    defaults.update(fields)
    project = services.project_create(organization=cast.org_a, actor=cast.organizer_a, **defaults)
    path = {
        "draft": [], "submitted": ["submit"], "approved": ["submit", "approve"],
        "recruiting": ["submit", "approve", "recruit"], "in_progress": ["submit", "approve", "recruit", "start"],
    }[status]
    for action in path:
        actor = cast.city_staff if action == "approve" else cast.organizer_a
        project = services.project_transition(project=project, action=action, actor=actor)
    return project


def make_shift(cast: Any, project: Project, **values: Any) -> Shift:
    start = values.pop("starts_at", next_week())
    defaults = {"starts_at": start, "ends_at": start + dt.timedelta(hours=3), "capacity": 2, "hours_credited": Decimal("3")}
    defaults.update(values)
    return services.shift_create(project=project, actor=cast.organizer_a, **defaults)


@pytest.fixture
def project(cast: Any) -> Project:
    return make_project(cast)


@pytest.fixture
def shift(cast: Any, project: Project) -> Shift:
    return make_shift(cast, project)
