"""Writes for regions, organizations, memberships and committee assignments."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.accounts.audit import audit
from civitas.core.errors import Conflict
from civitas.core.events import publish
from civitas.organizations import permissions
from civitas.organizations.models import (
    REGION_LEVEL_ORDER,
    CommitteeAssignment,
    CommitteeRole,
    Membership,
    MembershipRole,
    MembershipStatus,
    Organization,
    OrganizationEvent,
    OrganizationKind,
    OrganizationStatus,
    Region,
    UnitType,
)


@transaction.atomic
def region_create(
    *, name: str, level: str, code: str, parent: Region | None = None, population: int = 0, name_en: str = "",
    latitude: Any = None, longitude: Any = None,
) -> Region:
    if parent is None and level != "city":
        raise ValidationError({"parent": [_("Only a city has no parent region.")]})
    if parent is not None and REGION_LEVEL_ORDER.index(level) != REGION_LEVEL_ORDER.index(parent.level) + 1:
        raise ValidationError({"level": [_("A region sits one level below its parent.")]})
    if population < 0:
        raise ValidationError({"population": [_("The population cannot be negative.")]})
    region = Region.objects.create(
        name=name, name_en=name_en, level=level, code=code, parent=parent, population=population,
        latitude=latitude, longitude=longitude,
    )
    region.path = f"{parent.path if parent else '/'}{region.pk}/"
    region.save(update_fields=["path"])
    return region


def region_set_population(*, region: Region, population: int) -> Region:
    if population < 0:
        raise ValidationError({"population": [_("The population cannot be negative.")]})
    Region.objects.filter(pk=region.pk).update(population=population)
    region.population = population
    return region


def _record_event(organization: Organization, from_status: str, actor: Any, reason: str = "") -> None:
    OrganizationEvent.objects.create(
        organization=organization, from_status=from_status, to_status=organization.status, actor=actor, reason=reason
    )


@transaction.atomic
def organization_register(
    *,
    name: str,
    kind: str,
    region: Region,
    contact_name: str,
    contact_phone: str,
    created_by: Any,
    name_en: str = "",
    unit_type: str = UnitType.OTHER,
    parent: Organization | None = None,
    description: str = "",
    address: str = "",
    contact_email: str = "",
) -> Organization:
    """Propose a new organization; it waits for committee approval and its proposer
    becomes its first administrator."""
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = [_("Enter the organization's name.")]
    if kind not in OrganizationKind.values:
        errors["kind"] = [_("Choose what kind of organization this is.")]
    if unit_type not in UnitType.values:
        errors["unit_type"] = [_("Choose a valid unit type.")]
    if not (contact_name or "").strip():
        errors["contact_name"] = [_("Name a contact person.")]
    if not (contact_phone or "").strip():
        errors["contact_phone"] = [_("Give a contact phone number.")]
    if parent is not None and parent.kind != OrganizationKind.MEMBER_UNIT:
        errors["parent"] = [_("Only a member unit can be a parent unit.")]
    if kind == OrganizationKind.STATION and region.level != "community" and region.level != "street":
        errors["region"] = [_("A community service station belongs to a street or community.")]
    if Organization.objects.filter(name=(name or "").strip(), region=region).exclude(
        status=OrganizationStatus.REJECTED
    ).exists():
        errors["name"] = [_("An organization with this name is already registered in this region.")]
    if errors:
        raise ValidationError(errors)
    organization = Organization.objects.create(
        name=name.strip(),
        name_en=(name_en or "").strip(),
        kind=kind,
        unit_type=unit_type,
        region=region,
        parent=parent,
        description=description,
        address=address,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        contact_email=contact_email,
        created_by=created_by,
    )
    _record_event(organization, "", created_by, _("Registered"))
    Membership.objects.create(
        user=created_by,
        organization=organization,
        role=MembershipRole.ADMIN,
        status=MembershipStatus.APPROVED,
        decided_at=timezone.now(),
        decided_by=created_by,
    )
    Organization.objects.filter(pk=organization.pk).update(member_count=F("member_count") + 1)
    permissions.forget_cached_roles(created_by)
    return organization


ORGANIZATION_TRANSITIONS = {
    "approve": ({OrganizationStatus.PENDING, OrganizationStatus.SUSPENDED, OrganizationStatus.REJECTED}, OrganizationStatus.APPROVED),
    "reject": ({OrganizationStatus.PENDING}, OrganizationStatus.REJECTED),
    "suspend": ({OrganizationStatus.APPROVED}, OrganizationStatus.SUSPENDED),
}


@transaction.atomic
def organization_decide(*, organization: Organization, action: str, actor: Any, reason: str = "") -> Organization:
    """Committee staff of the organization's region approve, reject or suspend it."""
    if action not in ORGANIZATION_TRANSITIONS:
        raise ValidationError({"action": [_("Choose approve, reject or suspend.")]})
    organization = Organization.objects.select_for_update().select_related("region").get(pk=organization.pk)
    if not permissions.can_review_organization(actor, organization):
        raise PermissionDenied(_("Only committee staff of this region can review this organization."))
    allowed_from, to_status = ORGANIZATION_TRANSITIONS[action]
    if organization.status not in allowed_from:
        raise Conflict(
            _("This organization's status is “%(status)s”; that step is not possible from it.")
            % {"status": organization.get_status_display()}
        )
    if action in ("reject", "suspend") and not (reason or "").strip():
        raise ValidationError({"reason": [_("Give a reason, so the organization knows what to change.")]})
    from_status = organization.status
    organization.status = to_status
    organization.save(update_fields=["status"])
    _record_event(organization, from_status, actor, reason)
    audit(actor=actor, action=f"organization.{action}", target=organization,
          details={"from": from_status, "to": to_status, "reason": reason})
    publish("organization.decided", organization_id=organization.pk, action=action, reason=reason)
    return organization


@transaction.atomic
def organization_update(*, organization: Organization, actor: Any, **fields: Any) -> Organization:
    if not permissions.can_administer_organization(actor, organization) and not permissions.can_review_organization(
        actor, organization
    ):
        raise PermissionDenied(_("Only the organization's administrators can change its details."))
    editable = {"name_en", "description", "address", "contact_name", "contact_phone", "contact_email", "time_zone"}
    unknown = set(fields) - editable
    if unknown:
        raise ValidationError({sorted(unknown)[0]: [_("This field cannot be changed here.")]})
    for name, value in fields.items():
        setattr(organization, name, value)
    organization.full_clean(exclude=["created_by", "parent"])
    organization.save(update_fields=list(fields))
    publish("organization.updated", organization_id=organization.pk, fields=sorted(fields))
    return organization


@transaction.atomic
def membership_apply(*, user: Any, organization: Organization, note: str = "") -> Membership:
    if not organization.is_approved:
        raise Conflict(_("This organization is not accepting members until it is approved."))
    if not hasattr(user, "volunteer"):
        raise ValidationError({"user": [_("Register as a volunteer before joining an organization.")]})
    existing = Membership.objects.filter(
        user=user, organization=organization, status__in=[MembershipStatus.APPLIED, MembershipStatus.APPROVED]
    ).first()
    if existing is not None:
        if existing.status == MembershipStatus.APPROVED:
            raise Conflict(_("You are already a member of this organization."), code="already_member")
        raise Conflict(_("Your application is already waiting for a decision."), code="already_applied")
    try:
        with transaction.atomic():
            return Membership.objects.create(user=user, organization=organization, note=(note or "")[:1000])
    except IntegrityError:
        raise Conflict(_("Your application is already waiting for a decision."), code="already_applied") from None


@transaction.atomic
def membership_decide(*, membership: Membership, approve: bool, actor: Any, reason: str = "") -> Membership:
    membership = Membership.objects.select_for_update().select_related("organization").get(pk=membership.pk)
    if not permissions.can_manage_organization(actor, membership.organization):
        raise PermissionDenied(_("Only the organization's staff can decide on applications."))
    if membership.status != MembershipStatus.APPLIED:
        raise Conflict(_("This application has already been decided."))
    if not approve and not (reason or "").strip():
        raise ValidationError({"reason": [_("Give a reason for turning the application down.")]})
    membership.status = MembershipStatus.APPROVED if approve else MembershipStatus.REJECTED
    membership.decided_at = timezone.now()
    membership.decided_by = actor
    membership.decision_reason = reason or ""
    membership.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    if approve:
        Organization.objects.filter(pk=membership.organization_id).update(member_count=F("member_count") + 1)
    audit(actor=actor, action="membership.approve" if approve else "membership.reject", target=membership,
          details={"user_id": membership.user_id, "organization_id": membership.organization_id, "reason": reason or ""})
    publish("membership.decided", membership_id=membership.pk, approved=approve, reason=reason)
    return membership


@transaction.atomic
def membership_leave(*, membership: Membership, actor: Any) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if actor.pk != membership.user_id and not permissions.can_manage_organization(actor, membership.organization):
        raise PermissionDenied(_("You can only leave an organization yourself."))
    if membership.status not in (MembershipStatus.APPLIED, MembershipStatus.APPROVED):
        raise Conflict(_("This membership has already ended."))
    was_member = membership.status == MembershipStatus.APPROVED
    if was_member and membership.role == MembershipRole.ADMIN:
        other_admins = Membership.objects.filter(
            organization_id=membership.organization_id, role=MembershipRole.ADMIN, status=MembershipStatus.APPROVED
        ).exclude(pk=membership.pk)
        if not other_admins.exists():
            raise Conflict(_("Name another administrator before the last one leaves."))
    membership.status = MembershipStatus.LEFT
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_at"])
    if was_member:
        Organization.objects.filter(pk=membership.organization_id).update(member_count=F("member_count") - 1)
    permissions.forget_cached_roles(membership.user)
    return membership


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, actor: Any) -> Membership:
    membership = Membership.objects.select_for_update().select_related("organization").get(pk=membership.pk)
    if not permissions.can_administer_organization(actor, membership.organization):
        raise PermissionDenied(_("Only the organization's administrators can change roles."))
    if role not in MembershipRole.values:
        raise ValidationError({"role": [_("Choose a valid role.")]})
    if membership.status != MembershipStatus.APPROVED:
        raise Conflict(_("Only an approved member can be given a role."))
    if membership.role == MembershipRole.ADMIN and role != MembershipRole.ADMIN:
        if not Membership.objects.filter(
            organization_id=membership.organization_id, role=MembershipRole.ADMIN, status=MembershipStatus.APPROVED
        ).exclude(pk=membership.pk).exists():
            raise Conflict(_("An organization keeps at least one administrator."))
    old_role = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit(actor=actor, action="membership.role", target=membership,
          details={"user_id": membership.user_id, "organization_id": membership.organization_id,
                   "from": old_role, "to": role})
    permissions.forget_cached_roles(membership.user)
    return membership


@transaction.atomic
def committee_assign(
    *, user: Any, region: Region, role: str = CommitteeRole.STAFF, actor: Any = None
) -> CommitteeAssignment:
    """``actor`` is who made the assignment (None for the seed and the command line)."""
    if role not in CommitteeRole.values:
        raise ValidationError({"role": [_("Choose a valid role.")]})
    previous = CommitteeAssignment.objects.filter(user=user).select_related("region").first()
    assignment, _created = CommitteeAssignment.objects.update_or_create(
        user=user, defaults={"region": region, "role": role}
    )
    if not user.is_staff:
        # Committee staff and auditors read the admin, scoped to their region.
        type(user).objects.filter(pk=user.pk).update(is_staff=True)
        user.is_staff = True
    audit(actor=actor, action="committee.assign", target=assignment, region=region,
          details={"user_id": user.pk, "role": role, "region_id": region.pk,
                   "previous": {"role": previous.role, "region_id": previous.region_id} if previous else None})
    permissions.forget_cached_roles(user)
    return assignment
