from __future__ import annotations

import datetime as dt

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from civitas.accounts import services, twofactor
from civitas.accounts.models import Skill, User
from civitas.core.api import ErrorOut, error_body, token_auth
from civitas.core.ratelimit import check_rate
from civitas.organizations.models import Region

router = Router(tags=["accounts"])


class TokenIn(Schema):
    username: str = Field(..., min_length=1, max_length=254, description="username, email or mobile")
    password: str = Field(..., min_length=1, max_length=128)
    otp: str = Field("", max_length=12, description="the six-digit code, for accounts with two-step sign-in")


class TokenOut(Schema):
    token: str


def _error(code: str, message: str) -> dict:
    return error_body(code, message)


@router.post("/auth/token", response={200: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut}, auth=None)
def issue_token(request: HttpRequest, payload: TokenIn):  # type: ignore[no-untyped-def]
    check_rate(request, "token")
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        # AxesMiddleware turns this into the lockout answer (429 in the error shape).
        return Status(429, _error("locked_out", _("Too many failed sign-ins. Try again later or reset your password.")))
    if user is None:
        return Status(401, _error("invalid_credentials", _("The sign-in or the password is wrong.")))
    if twofactor.second_factor_state(user):
        if not payload.otp:
            return Status(401, _error("otp_required", _("Enter the six-digit code from your authenticator app.")))
        if twofactor.verify_code(user, payload.otp) is None:
            return Status(401, _error("otp_invalid", _("That code is not right. Try the newest code from your app.")))
    return {"token": services.api_token_issue(user=user)}


class GuardianIn(Schema):
    name: str = ""
    relation: str = ""
    mobile: str = ""


class VolunteerIn(Schema):
    real_name: str = Field(..., max_length=60)
    password: str = Field(..., max_length=128)
    mobile: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    id_type: str = Field("", max_length=20)
    id_number: str = Field("", max_length=30)
    birth_date: dt.date | None = None
    gender: str = Field("", max_length=10)
    display_name: str = Field("", max_length=60)
    home_community: int | None = None
    skills: list[str] = Field(default_factory=list, description="skill codes")
    interests: list[str] = Field(default_factory=list, description="service category codes")
    availability: dict[str, list[str]] = Field(default_factory=dict, description='{"sat": ["morning"]}')
    languages: str = Field("", max_length=120)
    emergency_contact_name: str = Field("", max_length=60)
    emergency_contact_mobile: str = Field("", max_length=20)
    guardian: GuardianIn | None = None
    language: str = "zh-hans"
    privacy_consent: bool = True


class MeOut(Schema):
    id: int
    username: str
    volunteer_number: str | None
    real_name: str | None
    display_name: str | None
    mobile: str = Field(description="masked")
    email: str | None
    id_type: str | None
    id_number: str | None = Field(description="masked")
    birth_date: dt.date | None
    gender: str | None
    home_community: int | None
    skills: list[str]
    interests: list[str]
    language: str
    roles: list[str]


def me_payload(user: User) -> dict:
    from civitas.organizations import permissions

    profile = getattr(user, "volunteer", None)
    roles = []
    if profile is not None:
        roles.append("volunteer")
    if permissions.is_organization_staff(user):
        roles.append("organization_staff")
    if permissions.is_committee_staff(user):
        roles.append("city_staff" if permissions.is_city_staff(user) else "committee_staff")
    if permissions.is_auditor(user):
        roles.append("auditor")
    return {
        "id": user.pk,
        "username": user.username,
        "volunteer_number": profile.volunteer_number if profile else None,
        "real_name": profile.real_name if profile else user.get_full_name() or None,
        "display_name": profile.display_name if profile else None,
        "mobile": user.masked_mobile,
        "email": user.email,
        "id_type": profile.id_type if profile else None,
        "id_number": profile.masked_id_number if profile else None,
        "birth_date": profile.birth_date if profile else None,
        "gender": profile.gender if profile else None,
        "home_community": profile.home_community_id if profile else None,
        "skills": [s.code for s in profile.skills.all()] if profile else [],
        "interests": profile.interests if profile else [],
        "language": user.language,
        "roles": roles,
    }


@router.post("/volunteers", response={201: MeOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}, auth=None)
def register_volunteer(request: HttpRequest, payload: VolunteerIn):  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    check_rate(request, "register")
    community = None
    if payload.home_community is not None:
        community = Region.objects.filter(pk=payload.home_community).first()
        if community is None:
            raise ValidationError({"home_community": [_("No such community.")]})
    skills = list(Skill.objects.filter(code__in=payload.skills))
    if len(skills) != len(set(payload.skills)):
        raise ValidationError({"skills": [_("Unknown skill code.")]})
    guardian = payload.guardian or GuardianIn()
    user = services.volunteer_register(
        real_name=payload.real_name,
        password=payload.password,
        mobile=payload.mobile,
        email=payload.email,
        id_type=payload.id_type,
        id_number=payload.id_number,
        birth_date=payload.birth_date,
        gender=payload.gender,
        display_name=payload.display_name,
        home_community=community,
        skills=skills,
        interests=payload.interests,
        availability=payload.availability,
        languages=payload.languages,
        emergency_contact_name=payload.emergency_contact_name,
        emergency_contact_mobile=payload.emergency_contact_mobile,
        guardian=services.Guardian(name=guardian.name, relation=guardian.relation, mobile=guardian.mobile),
        language=payload.language,
        privacy_consent=payload.privacy_consent,
    )
    return Status(201, me_payload(user))


@router.get("/me", response={200: MeOut, 401: ErrorOut}, auth=token_auth)
def me(request: HttpRequest):  # type: ignore[no-untyped-def]
    return me_payload(request.auth)


class SkillOut(Schema):
    code: str
    name: str
    name_en: str


@router.get("/skills", response=list[SkillOut], auth=None)
def skills(request: HttpRequest):  # type: ignore[no-untyped-def]
    return list(Skill.objects.all())



