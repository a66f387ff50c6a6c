"""Who runs a shift's attendance: the staff of the organization that owns the project."""

from __future__ import annotations

from typing import Any

from civitas.organizations.permissions import can_manage_organization, can_read_region


def can_run_attendance(user: Any, shift: Any) -> bool:
    return can_manage_organization(user, shift.project.organization)


def can_view_attendance(user: Any, shift: Any) -> bool:
    return can_run_attendance(user, shift) or can_read_region(user, shift.project.organization.region)
