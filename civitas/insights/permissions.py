"""Who may see and change the leadership side. Built on organizations.permissions so the
answer matches the rest of the site: committee staff and auditors read their region and
everything below it; organization staff read their organization."""

from __future__ import annotations

from typing import Any

from civitas.organizations.models import Organization, Region
from civitas.organizations.permissions import (
    can_govern_region,
    can_manage_committee,
    can_manage_organization,
    can_read_region,
    staff_roles_by_organization,
    watched_region,
)

__all__ = [
    "can_edit_assessment",
    "can_edit_funding",
    "can_edit_indicators",
    "can_export_interchange",
    "can_view_funding",
    "can_view_organization_dashboard",
    "can_view_region_dashboard",
    "staff_roles_by_organization",
    "watched_region",
]


def can_view_region_dashboard(user: Any, region: Region) -> bool:
    return can_read_region(user, region)


def can_view_organization_dashboard(user: Any, organization: Organization) -> bool:
    return can_manage_organization(user, organization) or can_read_region(user, organization.region)


def can_view_leadership(user: Any) -> bool:
    """Indicators and the assessment: committee staff and auditors."""
    return watched_region(user) is not None


def can_edit_indicators(user: Any) -> bool:
    """The city office sets the indicators and their targets."""
    return can_manage_committee(user)


def can_edit_assessment(user: Any) -> bool:
    """Criteria, weights, unit inputs and recomputing scores: city staff."""
    return can_manage_committee(user)


def can_edit_funding(user: Any, project: Any) -> bool:
    return can_manage_organization(user, project.organization) or can_govern_region(user, project.region)


def can_view_funding(user: Any, project: Any) -> bool:
    """Those who record it, and the auditors over the project's region, who read it."""
    return can_edit_funding(user, project) or can_read_region(user, project.region)


def can_export_interchange(user: Any) -> bool:
    """The data interchange file covers the whole city: city staff and city auditors."""
    watched = watched_region(user)
    return bool(watched and watched.parent_id is None)
