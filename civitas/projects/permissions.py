"""Who may see and do what with projects, shifts and sign-ups (pages and API ask here)."""

from __future__ import annotations

from typing import Any

from civitas.organizations import permissions as org_permissions
from civitas.projects.models import Project, ProjectStatus

PUBLIC_STATUSES = (
    ProjectStatus.APPROVED,
    ProjectStatus.RECRUITING,
    ProjectStatus.IN_PROGRESS,
    ProjectStatus.COMPLETED,
    ProjectStatus.EVALUATED,
)


def can_manage_project(user: Any, project: Project) -> bool:
    return org_permissions.can_manage_organization(user, project.organization)


def can_review_project(user: Any, project: Project) -> bool:
    return org_permissions.can_govern_region(user, project.region)


def can_view_project_internals(user: Any, project: Project) -> bool:
    """Roster, transition history and drafts: the organization's staff and committee staff
    or auditors over the project's region."""
    return can_manage_project(user, project) or (
        project.status != ProjectStatus.DRAFT and org_permissions.can_read_region(user, project.region)
    )


def can_view_project(user: Any, project: Project) -> bool:
    return project.status in PUBLIC_STATUSES or can_view_project_internals(user, project)


def can_propose_projects(user: Any) -> bool:
    return org_permissions.is_organization_staff(user)
