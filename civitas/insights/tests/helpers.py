from __future__ import annotations

from typing import Any

from civitas.core.events import publish
from civitas.projects.models import Project


def make_project(organization: Any, creator: Any, *, status: str = "recruiting", category: str = "community",
                 people_served: int = 0, title: str = "社区清洁") -> Project:
    """A project in a given state. The projects app's services are built elsewhere; the
    event they publish is published here the same way."""
    project = Project.objects.create(
        organization=organization, region=organization.region, title=title, category=category, status=status,
        people_served=people_served, created_by=creator,
    )
    publish("project.transitioned", project_id=project.pk, action="create", reason="")
    return project
