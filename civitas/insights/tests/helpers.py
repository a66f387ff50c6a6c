from __future__ import annotations

from typing import Any

from civitas.core.events import publish
from civitas.projects.models import Project


def make_project(organization: Any, creator: Any, *, status: str = "recruiting", category: str = "community",
                 people_served: int = 0, title: str = "社区清洁") -> Project:
    """A project put straight into a given state, with the event projects.services
    publishes on a transition (walking there through the services takes up to eight
    steps; test_handlers_end_to_end.py does that once)."""
    project = Project.objects.create(
        organization=organization, region=organization.region, title=title, category=category, status=status,
        people_served=people_served, created_by=creator,
    )
    publish("project.transitioned", project_id=project.pk, action="create", reason="")
    return project
