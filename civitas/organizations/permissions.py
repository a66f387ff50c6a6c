"""Who may do what with regions, organizations and people.

Pages, the API and the admin all ask these functions, so the answer is the same
everywhere. Each function is cheap after the first call for a user: the user's
committee assignment and staff memberships are read once and kept on the user object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from civitas.organizations.models import (
    STAFF_ROLES,
    CommitteeAssignment,
    CommitteeRole,
    Membership,
    MembershipRole,
    MembershipStatus,
    Organization,
    Region,
    RegionLevel,
)

if TYPE_CHECKING:
    from civitas.accounts.models import User


def _signed_in(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def committee_assignment(user: Any) -> CommitteeAssignment | None:
    if not _signed_in(user):
        return None
    if not hasattr(user, "_civitas_committee"):
        try:
            # Free when the user was loaded with select_related("committee__region").
            user._civitas_committee = user.committee
        except CommitteeAssignment.DoesNotExist:
            user._civitas_committee = None
    return user._civitas_committee


def staff_roles_by_organization(user: Any) -> dict[int, str]:
    """``{organization_id: role}`` for the organizations this user administers or coordinates."""
    if not _signed_in(user):
        return {}
    if not hasattr(user, "_civitas_staff_roles"):
        user._civitas_staff_roles = dict(
            Membership.objects.filter(
                user=user, status=MembershipStatus.APPROVED, role__in=STAFF_ROLES
            ).values_list("organization_id", "role")
        )
    return user._civitas_staff_roles


def forget_cached_roles(user: Any) -> None:
    for name in ("_civitas_committee", "_civitas_staff_roles"):
        if hasattr(user, name):
            delattr(user, name)
    user._state.fields_cache.pop("committee", None)


def is_committee_staff(user: Any) -> bool:
    assignment = committee_assignment(user)
    return bool(assignment and assignment.role == CommitteeRole.STAFF)


def is_auditor(user: Any) -> bool:
    assignment = committee_assignment(user)
    return bool(assignment and assignment.role == CommitteeRole.AUDITOR)


def is_city_staff(user: Any) -> bool:
    assignment = committee_assignment(user)
    return bool(assignment and assignment.role == CommitteeRole.STAFF and assignment.region.level == RegionLevel.CITY)


def is_organization_staff(user: Any) -> bool:
    return bool(staff_roles_by_organization(user))


def is_volunteer(user: Any) -> bool:
    return _signed_in(user) and hasattr(user, "volunteer")


def watched_region(user: Any) -> Region | None:
    """The region a committee member or auditor oversees, or None."""
    assignment = committee_assignment(user)
    return assignment.region if assignment else None


def can_read_region(user: Any, region: Region | None) -> bool:
    """Committee staff and auditors read everything inside their region."""
    watched = watched_region(user)
    return bool(watched and region and region.is_within(watched))


def can_govern_region(user: Any, region: Region | None) -> bool:
    """Committee staff (not auditors) act on everything inside their region."""
    assignment = committee_assignment(user)
    return bool(
        assignment and assignment.role == CommitteeRole.STAFF and region and region.is_within(assignment.region)
    )


def can_manage_organization(user: Any, organization: Organization) -> bool:
    """Its administrators and coordinators run its members, projects and shifts."""
    return organization.pk in staff_roles_by_organization(user)


def can_administer_organization(user: Any, organization: Organization) -> bool:
    """Only its administrators change its details and staff roles."""
    return staff_roles_by_organization(user).get(organization.pk) == MembershipRole.ADMIN


def can_review_organization(user: Any, organization: Organization) -> bool:
    return can_govern_region(user, organization.region)


def can_view_organization_internals(user: Any, organization: Organization) -> bool:
    """Members list, pending applications, contact details."""
    return can_manage_organization(user, organization) or can_read_region(user, organization.region)


def can_view_organization(user: Any, organization: Organization) -> bool:
    return organization.is_approved or can_view_organization_internals(user, organization) or (
        _signed_in(user) and organization.created_by_id == user.pk
    )


def can_see_personal_data(user: Any, person: User) -> bool:
    """Unmasked ID number and phone: the person, committee staff and auditors over their
    home community, and staff of an organization they belong to."""
    if not _signed_in(user):
        return False
    if user.pk == person.pk:
        return True
    profile = getattr(person, "volunteer", None)
    if profile is not None and profile.home_community_id and watched_region(user):
        if can_read_region(user, profile.home_community):
            return True
    staff_of = staff_roles_by_organization(user)
    if staff_of:
        return Membership.objects.filter(
            user=person, organization_id__in=staff_of.keys(), status__in=[MembershipStatus.APPROVED, MembershipStatus.APPLIED]
        ).exists()
    return False


def can_manage_committee(user: Any) -> bool:
    return is_city_staff(user) or bool(_signed_in(user) and user.is_superuser)
