"""API v1 for projects, shifts, sign-ups and rosters (DESIGN.md: Public API contract)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from civitas.accounts.models import Qualification, Skill
from civitas.core.api import ErrorOut, Page, current_user, token_auth
from civitas.core.ratelimit import check_rate
from civitas.organizations.models import Organization, Region
from civitas.projects import permissions, selectors, services
from civitas.projects.models import Shift

router = Router(tags=["projects"])
PAGE_SIZE = 20
# The largest key or count a database integer column holds (PostgreSQL's integer): a
# larger number in a request is a 422, not an overflow in the database driver. Numbers
# the services check themselves keep the services' own messages within this range.
MAX_INT = 2_147_483_647


class ProjectOut(Schema):
    id: int
    title: str
    title_en: str
    summary: str
    category: str
    status: str
    organization_id: int
    region_id: int
    place_name: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    beneficiary_kind: str
    beneficiary_count: int
    budget: Decimal
    starts_on: dt.date | None
    ends_on: dt.date | None
    created_at: dt.datetime
    distance_km: float | None = None


class ProjectDetailOut(ProjectOut):
    description: str
    insurer: str
    insurance_policy: str
    insurance_starts_on: dt.date | None
    insurance_ends_on: dt.date | None
    rating: int | None
    evaluation_summary: str
    people_served: int


class ProjectFilter(Schema):
    q: str = Field("", max_length=100)
    category: str = Field("", max_length=30)
    region: int | None = Field(None, ge=1, le=MAX_INT)
    status: str = Field("", max_length=20)
    near: str = Field("", max_length=60, description="lat,lon")
    radius_km: float | None = Field(None, gt=0, le=500)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    skill: int | None = Field(None, ge=1, le=MAX_INT)
    open: bool = False
    sort: str = Field("", max_length=20)
    page: int = Field(1, ge=1, le=100_000)


@router.get("/projects", response={200: Page[ProjectOut], 422: ErrorOut}, auth=None)
def projects(request: HttpRequest, filters: Query[ProjectFilter]):  # type: ignore[no-untyped-def]
    near = None
    if filters.near:
        near = selectors.parse_near(filters.near)
        if near is None:
            raise ValidationError({"near": [_("Give a point as latitude,longitude.")]})
    region = Region.objects.filter(pk=filters.region).first() if filters.region else None
    if filters.region and region is None:
        return {"items": [], "count": 0}
    search = selectors.ProjectSearch(
        q=filters.q, category=filters.category, region=region, status=filters.status, near=near,
        radius_km=filters.radius_km, date_from=filters.date_from, date_to=filters.date_to, skill=filters.skill,
        open_only=filters.open, sort=filters.sort,
    )
    user = current_user(request)
    queryset = selectors.project_search(user=user, search=search)
    start = (filters.page - 1) * PAGE_SIZE
    items = selectors.with_distances(list(queryset[start : start + PAGE_SIZE]), near)
    return {"items": items, "count": selectors.search_count(user=user, search=search, projects=queryset)}


@router.get("/projects/{project_id}", response={200: ProjectDetailOut, 404: ErrorOut}, auth=None)
def project(request: HttpRequest, project_id: int):  # type: ignore[no-untyped-def]
    return selectors.get_project_for_user(current_user(request), project_id)


class ProjectIn(Schema):
    organization: int = Field(..., ge=1, le=MAX_INT)
    title: str = Field(..., max_length=150)
    title_en: str = Field("", max_length=150)
    summary: str = Field("", max_length=300)
    description: str = Field("", max_length=20000)
    category: str = Field(..., max_length=30)
    region: int | None = Field(None, ge=1, le=MAX_INT)
    place_name: str = Field("", max_length=150)
    address: str = Field("", max_length=200)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    beneficiary_kind: str = Field("", max_length=100)
    beneficiary_count: int = Field(0, ge=0, le=MAX_INT)
    budget: Decimal = Field(Decimal(0), ge=0, max_digits=12, decimal_places=2)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    insurer: str = Field("", max_length=100)
    insurance_policy: str = Field("", max_length=60)
    insurance_starts_on: dt.date | None = None
    insurance_ends_on: dt.date | None = None


@router.post(
    "/projects", response={201: ProjectDetailOut, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=token_auth,
)
def create_project(request: HttpRequest, payload: ProjectIn):  # type: ignore[no-untyped-def]
    data = payload.dict()
    organization = Organization.objects.select_related("region").filter(pk=data.pop("organization")).first()
    if organization is None:
        raise ValidationError({"organization": [_("No such organization.")]})
    region_id = data.pop("region")
    if region_id is not None:
        data["region"] = Region.objects.filter(pk=region_id).first()
        if data["region"] is None:
            raise ValidationError({"region": [_("No such region.")]})
    return Status(201, services.project_create(organization=organization, actor=request.auth, **data))


class TransitionIn(Schema):
    action: str = Field(..., max_length=20)
    reason: str = Field("", max_length=2000)
    rating: int | None = Field(None, ge=-MAX_INT, le=MAX_INT)
    summary: str = Field("", max_length=4000)
    people_served: int | None = Field(None, ge=-MAX_INT, le=MAX_INT)


@router.post(
    "/projects/{project_id}/transitions",
    response={200: ProjectDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=token_auth,
)
def transition(request: HttpRequest, project_id: int, payload: TransitionIn):  # type: ignore[no-untyped-def]
    project = selectors.get_project_for_user(request.auth, project_id)
    return services.project_transition(project=project, actor=request.auth, **payload.dict())


class ShiftOut(Schema):
    id: int
    project_id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place_name: str
    latitude: Decimal | None
    longitude: Decimal | None
    capacity: int
    confirmed: int = Field(..., alias="confirmed_count")
    waitlisted: int = Field(..., alias="waitlisted_count")
    pending: int = Field(..., alias="pending_count")
    places_left: int
    min_age: int | None
    requires_approval: bool
    requires_insurance: bool
    signup_deadline: dt.datetime | None
    hours_credited: Decimal
    waitlist_mode: str
    status: str
    series: str | None = None

    @staticmethod
    def resolve_series(obj: Shift) -> str | None:
        return str(obj.series) if obj.series else None


@router.get("/projects/{project_id}/shifts", response={200: Page[ShiftOut], 404: ErrorOut}, auth=None)
def shifts(request: HttpRequest, project_id: int):  # type: ignore[no-untyped-def]
    project = selectors.get_project_for_user(current_user(request), project_id)
    items = list(project.shifts.order_by("starts_at", "pk"))
    return {"items": items, "count": len(items)}


class ShiftIn(Schema):
    title: str = Field("", max_length=150)
    starts_at: dt.datetime
    ends_at: dt.datetime
    place_name: str = Field("", max_length=150)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    geofence_radius_m: int | None = Field(None, ge=10, le=10000)
    capacity: int = Field(..., ge=-MAX_INT, le=MAX_INT)
    hours_credited: Decimal
    min_age: int | None = Field(None, ge=-MAX_INT, le=MAX_INT)
    skills: list[str] = []
    qualifications: list[str] = []
    requires_approval: bool = False
    requires_insurance: bool = False
    signup_deadline: dt.datetime | None = None
    cancellation_cutoff_hours: int = Field(2, ge=-MAX_INT, le=MAX_INT)
    waitlist_mode: str = "automatic"
    waitlist_limit: int | None = Field(None, ge=0, le=MAX_INT)
    weeks: int | None = Field(None, ge=-MAX_INT, le=MAX_INT, description="make a weekly series of this many weeks")
    weekdays: list[str] = Field([], description="mon … sun, for a weekly series")


def _requirements(data: dict) -> tuple[list[Skill], list[Qualification]]:  # type: ignore[type-arg]
    skill_codes, qualification_codes = data.pop("skills"), data.pop("qualifications")
    skills = list(Skill.objects.filter(code__in=skill_codes))
    qualifications = list(Qualification.objects.filter(code__in=qualification_codes))
    if len(skills) != len(set(skill_codes)):
        raise ValidationError({"skills": [_("Unknown skill.")]})
    if len(qualifications) != len(set(qualification_codes)):
        raise ValidationError({"qualifications": [_("Unknown qualification.")]})
    return skills, qualifications


@router.post(
    "/projects/{project_id}/shifts",
    response={201: Page[ShiftOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=token_auth,
)
def create_shift(request: HttpRequest, project_id: int, payload: ShiftIn):  # type: ignore[no-untyped-def]
    """One shift, or with ``weeks`` and ``weekdays`` a weekly series; answers the shifts made."""
    project = selectors.get_project_for_user(request.auth, project_id)
    data = payload.dict()
    skills, qualifications = _requirements(data)
    weeks, weekdays = data.pop("weeks"), data.pop("weekdays")
    if weeks:
        deadline = data.pop("signup_deadline")
        hours_before = int((data["starts_at"] - deadline).total_seconds() // 3600) if deadline else 0
        made = services.shift_create_series(
            project=project, actor=request.auth, weeks=weeks, weekdays=weekdays, skills=skills,
            qualifications=qualifications, deadline_hours_before=max(hours_before, 0), **data,
        )
    else:
        made = [services.shift_create(project=project, actor=request.auth, skills=skills, qualifications=qualifications, **data)]
    return Status(201, {"items": made, "count": len(made)})


@router.get("/shifts/{shift_id}", response={200: ShiftOut, 404: ErrorOut}, auth=None)
def shift(request: HttpRequest, shift_id: int):  # type: ignore[no-untyped-def]
    return selectors.get_shift_for_user(current_user(request), shift_id)


class CancelIn(Schema):
    reason: str = Field(..., max_length=1000)


@router.post(
    "/shifts/{shift_id}/cancel",
    response={200: ShiftOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=token_auth,
)
def cancel_shift(request: HttpRequest, shift_id: int, payload: CancelIn):  # type: ignore[no-untyped-def]
    shift = selectors.get_shift_for_user(request.auth, shift_id)
    return services.shift_cancel(shift=shift, actor=request.auth, reason=payload.reason)


def _by_token_user(request: HttpRequest) -> str:
    """The rate-limit key of the token's owner: the same key the pages use (``by_user``)."""
    return f"user:{request.auth.pk}"  # type: ignore[attr-defined]


class SignUpOut(Schema):
    id: int
    status: str
    waitlist_position: int | None


class SignUpIn(Schema):
    note: str = Field("", max_length=300)


@router.post(
    "/shifts/{shift_id}/signups",
    response={201: SignUpOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=token_auth,
)
def sign_up(request: HttpRequest, shift_id: int, payload: SignUpIn | None = None):  # type: ignore[no-untyped-def]
    # Counted per person, together with the sign-up page, so a script cannot fill shifts.
    check_rate(request, "signup", key=_by_token_user)
    # No shift fetched here: the service's one read under the lock answers 404 for a shift
    # this volunteer may not see, as get_shift_for_user would (docs/performance.md, "Sign-ups").
    signup = services.signup_create_for_shift_id(
        shift_id=shift_id, volunteer=request.auth, note=payload.note if payload else ""
    )
    return Status(201, signup)


@router.delete(
    "/signups/{signup_id}",
    response={200: SignUpOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=token_auth,
)
def cancel_signup(request: HttpRequest, signup_id: int):  # type: ignore[no-untyped-def]
    signup = selectors.get_signup_for_user(request.auth, signup_id)
    return services.signup_cancel(signup=signup, actor=request.auth)


class RosterOut(Schema):
    id: int
    volunteer_id: int
    volunteer_name: str
    volunteer_number: str
    status: str
    waitlist_position: int | None
    note: str
    created_at: dt.datetime

    @staticmethod
    def resolve_volunteer_name(obj) -> str:  # type: ignore[no-untyped-def]
        profile = getattr(obj.volunteer, "volunteer", None)
        return profile.public_name if profile else obj.volunteer.username

    @staticmethod
    def resolve_volunteer_number(obj) -> str:  # type: ignore[no-untyped-def]
        profile = getattr(obj.volunteer, "volunteer", None)
        return profile.volunteer_number if profile else ""


@router.get(
    "/shifts/{shift_id}/roster", response={200: Page[RosterOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=token_auth,
)
def shift_roster(request: HttpRequest, shift_id: int):  # type: ignore[no-untyped-def]
    shift = selectors.get_shift_for_user(request.auth, shift_id)
    if not permissions.can_view_project_internals(request.auth, shift.project):
        raise Http404
    items = list(selectors.roster(shift=shift))
    return {"items": items, "count": len(items)}


class SignUpDecisionIn(Schema):
    action: str = Field(..., description="approve, reject, move, attended, no_show or cancel")
    reason: str = Field("", max_length=1000)
    to_shift: int | None = Field(None, ge=1, le=MAX_INT)


@router.post(
    "/signups/{signup_id}/decision",
    response={200: SignUpOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=token_auth,
)
def decide_signup(request: HttpRequest, signup_id: int, payload: SignUpDecisionIn):  # type: ignore[no-untyped-def]
    signup = selectors.get_signup_for_user(request.auth, signup_id)
    return services.signup_roster_action(
        signup=signup, actor=request.auth, action=payload.action, reason=payload.reason, to_shift_id=payload.to_shift
    )

