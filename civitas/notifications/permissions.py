"""Who may write to a roster. Organizer messages follow organization management rights."""

from __future__ import annotations

from typing import Any

from civitas.notifications.services import can_see_deliveries
from civitas.organizations.permissions import can_manage_organization


def can_message_project(user: Any, project: Any) -> bool:
    return can_manage_organization(user, project.organization)


__all__ = ["can_message_project", "can_see_deliveries"]
