"""Who may read and decide entries of the ledger, appeals and certificates.

Organization staff decide their organization's organization-level entries; committee
staff of the region decide committee-level and flagged ones (and may step in on any);
auditors read; a volunteer reads their own.
"""

from __future__ import annotations

from typing import Any

from civitas.ledger.models import Appeal, AppealLevel, Certificate, ReviewLevel, ServiceRecord
from civitas.organizations.permissions import (
    can_govern_region,
    can_manage_organization,
    can_read_region,
    is_city_staff,
    is_organization_staff,
    staff_roles_by_organization,
    watched_region,
)


def can_view_record(user: Any, record: ServiceRecord) -> bool:
    if not (user and user.is_authenticated):
        return False
    return (
        record.volunteer_id == user.pk
        or record.organization_id in staff_roles_by_organization(user)
        or can_read_region(user, record.region)
    )


def can_decide_record(user: Any, record: ServiceRecord) -> bool:
    if can_govern_region(user, record.region):
        return True
    if record.review_level == ReviewLevel.COMMITTEE:
        return False
    return can_manage_organization(user, record.organization)


def can_correct_record(user: Any, record: ServiceRecord) -> bool:
    return can_manage_organization(user, record.organization) or can_govern_region(user, record.region)


def can_answer_appeal(user: Any, appeal: Appeal) -> bool:
    if appeal.level == AppealLevel.CITY:
        return is_city_staff(user)
    if appeal.level == AppealLevel.COMMITTEE:
        return can_govern_region(user, appeal.region)
    return can_manage_organization(user, appeal.organization) or can_govern_region(user, appeal.region)


def can_view_appeal(user: Any, appeal: Appeal) -> bool:
    return bool(user and user.is_authenticated) and (
        appeal.volunteer_id == user.pk or can_answer_appeal(user, appeal) or can_read_region(user, appeal.region)
    )


def can_review_hours(user: Any) -> bool:
    """Sees a review queue: organization staff, committee staff and auditors."""
    return is_organization_staff(user) or watched_region(user) is not None


def can_import_records(user: Any, organization: Any) -> bool:
    return can_manage_organization(user, organization)


def can_revoke_certificate(user: Any, certificate: Certificate) -> bool:
    """Committee staff over the volunteer's home community, or city staff."""
    if is_city_staff(user):
        return True
    profile = getattr(certificate.volunteer, "volunteer", None)
    return bool(profile and profile.home_community_id and can_govern_region(user, profile.home_community))
