"""Who may do what with online tasks, submissions and courses."""

from __future__ import annotations

from typing import Any

from civitas.online.models import OnlineTask, Submission
from civitas.organizations.models import Organization
from civitas.organizations.permissions import (
    can_manage_organization,
    can_read_region,
    staff_roles_by_organization,
)


def can_publish_task(user: Any, organization: Organization) -> bool:
    return can_manage_organization(user, organization)


def can_review_submission(user: Any, submission: Submission) -> bool:
    """The organization's staff review; committee staff oversee but do not review."""
    return submission.organization_id in staff_roles_by_organization(user)


def can_review_any(user: Any) -> bool:
    return bool(staff_roles_by_organization(user))


def can_view_submission(user: Any, submission: Submission) -> bool:
    if not (user and user.is_authenticated):
        return False
    if submission.volunteer_id == user.pk or can_review_submission(user, submission):
        return True
    return can_read_region(user, submission.organization.region)


def can_manage_task(user: Any, task: OnlineTask) -> bool:
    return task.organization_id in staff_roles_by_organization(user)
