"""Reads for regions, organizations and memberships."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from civitas.organizations import permissions
from civitas.organizations.models import (
    Membership,
    MembershipStatus,
    Organization,
    OrganizationStatus,
    Region,
    RegionLevel,
)


def region_list(*, level: str | None = None, parent: int | None = None, within: Region | None = None) -> QuerySet[Region]:
    regions = Region.objects.all()
    if level:
        regions = regions.filter(level=level)
    if parent:
        regions = regions.filter(parent_id=parent)
    if within is not None:
        regions = regions.filter(path__startswith=within.path)
    return regions.order_by("path")


def city() -> Region | None:
    return Region.objects.filter(level=RegionLevel.CITY).order_by("pk").first()


def communities() -> QuerySet[Region]:
    return Region.objects.filter(level=RegionLevel.COMMUNITY).select_related("parent").order_by("path")


def organization_list(
    *,
    user: Any = None,
    q: str = "",
    kind: str = "",
    region: Region | None = None,
    status: str = "",
) -> QuerySet[Organization]:
    """Approved organizations for everyone; staff also see the ones they may review."""
    organizations = Organization.objects.select_related("region", "parent")
    visible = Q(status=OrganizationStatus.APPROVED)
    watched = permissions.watched_region(user)
    if watched is not None:
        visible |= Q(region__path__startswith=watched.path)
    staff_of = permissions.staff_roles_by_organization(user)
    if staff_of:
        visible |= Q(pk__in=staff_of.keys())
    organizations = organizations.filter(visible)
    if status:
        organizations = organizations.filter(status=status)
    if kind:
        organizations = organizations.filter(kind=kind)
    if region is not None:
        organizations = organizations.filter(region__path__startswith=region.path)
    if q:
        organizations = organizations.filter(Q(name__icontains=q) | Q(name_en__icontains=q))
    return organizations.order_by("name", "pk")


def get_organization_for_user(user: Any, pk: int) -> Organization:
    """The organization if this user may see it; 404 otherwise, so outsiders learn nothing."""
    organization = Organization.objects.select_related("region", "parent").filter(pk=pk).first()
    if organization is None or not permissions.can_view_organization(user, organization):
        raise Http404
    return organization


def organizations_to_review(*, user: Any) -> QuerySet[Organization]:
    watched = permissions.watched_region(user)
    if watched is None:
        return Organization.objects.none()
    return (
        Organization.objects.filter(status=OrganizationStatus.PENDING, region__path__startswith=watched.path)
        .select_related("region", "created_by")
        .order_by("created_at")
    )


def membership_list(*, organization: Organization, status: str = "") -> QuerySet[Membership]:
    memberships = Membership.objects.filter(organization=organization).select_related("user__volunteer")
    if status:
        memberships = memberships.filter(status=status)
    return memberships.order_by("-applied_at")


def memberships_of(*, user: Any) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, status__in=[MembershipStatus.APPLIED, MembershipStatus.APPROVED])
        .select_related("organization")
        .order_by("-applied_at")
    )


def managed_organizations(*, user: Any) -> QuerySet[Organization]:
    return Organization.objects.filter(pk__in=permissions.staff_roles_by_organization(user).keys()).order_by("name")


def region_with_ancestors(region: Region) -> list[Region]:
    ids = [int(part) for part in region.path.strip("/").split("/") if part]
    by_id = Region.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]
