from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from civitas.core.api import ErrorOut, Page, current_user, token_auth
from civitas.organizations import selectors, services
from civitas.organizations.models import Membership, Organization, Region, RegionLevel

router = Router(tags=["registries"])


class RegionOut(Schema):
    id: int
    name: str
    name_en: str
    level: str
    parent_id: int | None
    code: str
    population: int


class RegionFilter(Schema):
    level: RegionLevel | None = None
    parent: int | None = None
    page: int = Field(1, ge=1, le=100_000)


PAGE_SIZE = 50


@router.get("/regions", response=Page[RegionOut], auth=None)
def regions(request: HttpRequest, filters: Query[RegionFilter]):  # type: ignore[no-untyped-def]
    queryset = selectors.region_list(level=filters.level, parent=filters.parent)
    start = (filters.page - 1) * PAGE_SIZE
    return {"items": list(queryset[start : start + PAGE_SIZE]), "count": queryset.count()}


class OrganizationOut(Schema):
    id: int
    name: str
    name_en: str
    kind: str
    unit_type: str
    status: str
    region_id: int
    parent_id: int | None
    member_count: int
    description: str
    created_at: dt.datetime


class OrganizationFilter(Schema):
    q: str = Field("", max_length=100)
    kind: str = Field("", max_length=20)
    region: int | None = None
    status: str = Field("", max_length=20)
    page: int = Field(1, ge=1, le=100_000)


@router.get("/organizations", response=Page[OrganizationOut], auth=None)
def organizations(request: HttpRequest, filters: Query[OrganizationFilter]):  # type: ignore[no-untyped-def]
    region = Region.objects.filter(pk=filters.region).first() if filters.region else None
    queryset = selectors.organization_list(
        user=current_user(request), q=filters.q, kind=filters.kind, region=region, status=filters.status
    )
    if filters.region and region is None:
        queryset = queryset.none()
    start = (filters.page - 1) * PAGE_SIZE
    return {"items": list(queryset[start : start + PAGE_SIZE]), "count": queryset.count()}


@router.get("/organizations/{organization_id}", response={200: OrganizationOut, 404: ErrorOut}, auth=None)
def organization(request: HttpRequest, organization_id: int):  # type: ignore[no-untyped-def]
    return selectors.get_organization_for_user(current_user(request), organization_id)


class OrganizationIn(Schema):
    name: str = Field(..., max_length=120)
    name_en: str = Field("", max_length=120)
    kind: str
    unit_type: str = "other"
    region: int
    parent: int | None = None
    description: str = Field("", max_length=4000)
    address: str = Field("", max_length=200)
    contact_name: str = Field(..., max_length=60)
    contact_phone: str = Field(..., max_length=20)
    contact_email: str = Field("", max_length=254)


@router.post("/organizations", response={201: OrganizationOut, 401: ErrorOut, 422: ErrorOut}, auth=token_auth)
def register_organization(request: HttpRequest, payload: OrganizationIn):  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    data = payload.dict()
    region = Region.objects.filter(pk=data.pop("region")).first()
    if region is None:
        raise ValidationError({"region": [_("No such region.")]})
    parent_id = data.pop("parent")
    parent = Organization.objects.filter(pk=parent_id).first() if parent_id else None
    if parent_id and parent is None:
        raise ValidationError({"parent": [_("No such organization.")]})
    organization = services.organization_register(created_by=request.auth, region=region, parent=parent, **data)
    return Status(201, organization)


class DecisionIn(Schema):
    action: str
    reason: str = Field("", max_length=1000)


@router.post(
    "/organizations/{organization_id}/decisions",
    response={200: OrganizationOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=token_auth,
)
def decide_organization(request: HttpRequest, organization_id: int, payload: DecisionIn):  # type: ignore[no-untyped-def]
    organization = selectors.get_organization_for_user(request.auth, organization_id)
    return services.organization_decide(
        organization=organization, action=payload.action, reason=payload.reason, actor=request.auth
    )


class MembershipOut(Schema):
    id: int
    user_id: int
    organization_id: int
    role: str
    status: str
    applied_at: dt.datetime
    decided_at: dt.datetime | None


class JoinIn(Schema):
    note: str = Field("", max_length=1000)


@router.post(
    "/organizations/{organization_id}/memberships",
    response={201: MembershipOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=token_auth,
)
def apply_to_join(request: HttpRequest, organization_id: int, payload: JoinIn):  # type: ignore[no-untyped-def]
    organization = selectors.get_organization_for_user(request.auth, organization_id)
    return Status(201, services.membership_apply(user=request.auth, organization=organization, note=payload.note))


class MembershipDecisionIn(Schema):
    approve: bool
    reason: str = Field("", max_length=1000)


@router.post(
    "/memberships/{membership_id}/decision",
    response={200: MembershipOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=token_auth,
)
def decide_membership(request: HttpRequest, membership_id: int, payload: MembershipDecisionIn):  # type: ignore[no-untyped-def]
    from civitas.organizations import permissions

    membership = Membership.objects.select_related("organization__region").filter(pk=membership_id).first()
    if membership is None or not permissions.can_view_organization_internals(request.auth, membership.organization):
        from django.http import Http404

        raise Http404
    return services.membership_decide(
        membership=membership, approve=payload.approve, reason=payload.reason, actor=request.auth
    )
