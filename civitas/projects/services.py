"""Writes for projects, shifts and sign-ups.

Capacity is guarded by the shift row: every change to a shift's sign-ups locks that row
(``select_for_update``; SQLite queues writers with IMMEDIATE transactions) and moves the
counters in the same transaction, so confirmed sign-ups never pass capacity and the
waitlist positions stay 1..N without gaps.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import nh3
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from civitas.accounts.audit import audit
from civitas.accounts.models import (
    Qualification,
    ServiceCategory,
    Skill,
    VolunteerProfile,
    VolunteerQualification,
    Weekday,
)
from civitas.core import rows
from civitas.core.errors import Conflict
from civitas.core.events import publish
from civitas.core.identity import age_on
from civitas.core.text import localized, search_bigrams
from civitas.organizations import permissions as org_permissions
from civitas.organizations.models import Organization
from civitas.projects import permissions
from civitas.projects.cache import project_page_changed
from civitas.projects.models import (
    ACTIVE_SIGNUP_STATUSES,
    CalendarToken,
    Project,
    ProjectEvent,
    ProjectStatus,
    Shift,
    ShiftStatus,
    SignUp,
    SignUpStatus,
    WaitlistMode,
    new_offer_token,
)

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "blockquote", "a"}
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_SIDE = 8000
EDITABLE_STATUSES = {ProjectStatus.DRAFT, ProjectStatus.RETURNED}
SIGNUP_OPEN_STATUSES = {ProjectStatus.RECRUITING, ProjectStatus.IN_PROGRESS}
PLACE_HOLDING = (SignUpStatus.CONFIRMED, SignUpStatus.OFFERED)
WEEKDAY_CODES = [w.value for w in Weekday]

# Words people search with for each category, beyond its label (searched, never shown).
CATEGORY_KEYWORDS = {
    "community": "社区服务 社区 邻里 便民 community neighbourhood neighborhood",
    "elderly_disabled": "养老 敬老 助老 助残 老人 老年 残疾 elderly senior aged disabled disability",
    "children_education": "儿童 少年 教育 助学 支教 辅导 children kids youth education tutoring school",
    "environment": "环保 环境 生态 垃圾分类 清洁 植树 environment green cleanup recycling",
    "civilized_traffic": "文明交通 交通 路口 劝导 traffic road crossing",
    "culture_sports": "文化 体育 赛事 活动 图书 culture sports event library",
    "health": "健康 医疗 义诊 献血 卫生 health medical clinic blood",
    "emergency": "应急 救援 救灾 防汛 emergency rescue disaster relief",
    "rural": "乡村振兴 乡村 农村 助农 rural village farm",
    "legal_aid": "法律援助 法律 普法 咨询 legal law advice",
    "network_civilization": "网络文明 网络 线上 网上 online internet network",
    "other": "",
}

PROJECT_FIELDS = {
    "title", "title_en", "summary", "description", "category", "region", "place_name", "address", "latitude",
    "longitude", "beneficiary_kind", "beneficiary_count", "budget", "cover_image", "starts_on", "ends_on",
    "insurer", "insurance_policy", "insurance_starts_on", "insurance_ends_on",
}


# --- projects --------------------------------------------------------------------------


def sanitize_description(html: str) -> str:
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}}, url_schemes={"http", "https", "mailto"})


def check_cover_image(upload: Any) -> None:
    """Pillow reads the file: it must really be an image of an allowed type and size."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError({"cover_image": [_("The image is larger than 5 MB.")]})
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError({"cover_image": [_("This file is not an image we can read.")]}) from None
    finally:
        upload.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise ValidationError({"cover_image": [_("Use a JPEG, PNG, WebP or GIF image.")]})
    if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE:
        raise ValidationError({"cover_image": [_("The image is too large; keep each side under 8000 pixels.")]})


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


@functools.lru_cache(maxsize=4096)
def _run_pinyin(run: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Syllables and initials of one run of Chinese characters. Names and places recur
    across projects, and pypinyin costs some 10 µs a character and style: cached."""
    return tuple(lazy_pinyin(run)), tuple(lazy_pinyin(run, style=Style.FIRST_LETTER))


def _pinyin(text: str) -> str:
    # Each run of Chinese characters is read on its own, as pypinyin reads running text: a
    # phrase never spans two fields or a break such as the digits in a team's name (glued
    # together, the label 网络文明 and the team 朝阳社区… read 明朝 as a word: "chaoyang").
    syllables: list[str] = []
    initials: list[str] = []
    for run in _HAN_RUN.findall(text or ""):
        run_syllables, run_initials = _run_pinyin(run)
        syllables.extend(run_syllables)
        initials.extend(run_initials)
    if not syllables:
        return ""
    return f"{''.join(syllables)} {' '.join(syllables)} {''.join(initials)}"


@functools.cache
def _category_labels(category: str) -> tuple[str, str]:
    """The category's label in Chinese and in English (both are searched)."""
    if category not in ServiceCategory.values:
        return "", ""
    labels = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            labels.append(str(ServiceCategory(category).label))
    return labels[0], labels[1]


def build_search_text(project: Project, organization: Organization | None = None) -> str:
    organization = organization or project.organization
    return search_text_for(
        title=project.title, title_en=project.title_en, summary=project.summary,
        description_text=strip_tags(project.description or ""), category=project.category,
        place_name=project.place_name, address=project.address, beneficiary_kind=project.beneficiary_kind,
        organization_name=organization.name, organization_name_en=organization.name_en,
    )


def _set_search_text(project: Project, search_text: str) -> None:
    project.search_text = search_text
    project.search_bigrams = search_bigrams_for(search_text)


def search_bigrams_for(search_text: str) -> str:
    """What ``Project.search_bigrams`` holds beside this search text: whatever writes the
    one writes the other."""
    return " ".join(search_bigrams(search_text))


def search_text_for(
    *, title: str, title_en: str, summary: str, description_text: str, category: str, place_name: str,
    address: str, beneficiary_kind: str, organization_name: str, organization_name_en: str,
) -> str:
    """The words a project is found by: its fields in both languages (the description as
    plain text), the category's labels and keywords, and pinyin (full, spaced and initials)
    of the Chinese ones. Plain values, so the demo-city generator writes the same text
    without building a Project; some 20 µs a project once names and places are cached."""
    label_zh, label_en = _category_labels(category)
    chinese_parts = [
        title, summary, description_text, place_name, label_zh, organization_name,
        CATEGORY_KEYWORDS.get(category, ""),
    ]
    parts = [
        *chinese_parts, title_en, label_en, organization_name_en, address, beneficiary_kind,
        _pinyin(" ".join([title, place_name, label_zh, organization_name, summary])),
    ]
    # split() and join collapse whitespace as re.sub(r"\s+", " ") would, at a fraction of the cost.
    return " ".join(" ".join(p for p in parts if p).split()).lower()


def _decimal(value: Any, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = [_("Enter a number.")]
        return None


def _clean_project(project: Project, errors: dict[str, list[str]]) -> None:
    if not (project.title or "").strip():
        errors["title"] = [_("Give the project a title.")]
    if project.category not in ServiceCategory.values:
        errors["category"] = [_("Choose a category.")]
    lat = _decimal(project.latitude, "latitude", errors)
    lon = _decimal(project.longitude, "longitude", errors)
    if lat is not None and not Decimal(-90) <= lat <= Decimal(90):
        errors["latitude"] = [_("A latitude lies between -90 and 90.")]
    if lon is not None and not Decimal(-180) <= lon <= Decimal(180):
        errors["longitude"] = [_("A longitude lies between -180 and 180.")]
    if (lat is None) != (lon is None):
        errors["longitude" if lon is None else "latitude"] = [_("Give both latitude and longitude, or neither.")]
    project.latitude = lat.quantize(Decimal("0.000001")) if lat is not None and "latitude" not in errors else project.latitude
    project.longitude = lon.quantize(Decimal("0.000001")) if lon is not None and "longitude" not in errors else project.longitude
    budget = _decimal(project.budget, "budget", errors)
    if budget is not None and budget < 0:
        errors["budget"] = [_("The budget cannot be negative.")]
    elif budget is not None:
        project.budget = budget
    if project.beneficiary_count is None or int(project.beneficiary_count) < 0:
        errors["beneficiary_count"] = [_("The number of beneficiaries cannot be negative.")]
    if project.starts_on and project.ends_on and project.ends_on < project.starts_on:
        errors["ends_on"] = [_("The project ends after it starts.")]
    if project.insurance_starts_on and project.insurance_ends_on and project.insurance_ends_on < project.insurance_starts_on:
        errors["insurance_ends_on"] = [_("The insurance ends after it starts.")]
    if (project.insurer or project.insurance_policy) and not (project.insurance_starts_on and project.insurance_ends_on):
        errors["insurance_starts_on"] = [_("Give the period the insurance covers.")]
    for name in ("title", "title_en", "summary", "place_name", "address", "beneficiary_kind", "insurer", "insurance_policy"):
        limit = Project._meta.get_field(name).max_length
        if len(getattr(project, name) or "") > limit:
            errors[name] = [_("Keep this under %(limit)d characters.") % {"limit": limit}]


def _apply_fields(project: Project, fields: dict[str, Any]) -> None:
    unknown = set(fields) - PROJECT_FIELDS
    if unknown:
        raise ValidationError({sorted(unknown)[0]: [_("This field cannot be set here.")]})
    for name, value in fields.items():
        if name == "description":
            value = sanitize_description(value)
        elif name in {"title", "title_en", "summary", "place_name", "address", "beneficiary_kind", "insurer", "insurance_policy"}:
            value = (value or "").strip()
        elif name == "cover_image":
            if not value:
                continue
            check_cover_image(value)
        setattr(project, name, value)


@transaction.atomic
def project_create(*, organization: Organization, actor: Any, **fields: Any) -> Project:
    """A draft by staff of an approved organization; the region defaults to the organization's."""
    if not org_permissions.can_manage_organization(actor, organization):
        raise PermissionDenied(_("Only the organization's staff can propose its projects."))
    if not organization.is_approved:
        raise Conflict(_("The organization must be approved before it proposes projects."), code="organization_not_approved")
    project = Project(organization=organization, region_id=organization.region_id, created_by=actor, status=ProjectStatus.DRAFT)
    fields.setdefault("beneficiary_count", 0)
    fields.setdefault("budget", Decimal(0))
    if fields.get("region") is None:
        fields.pop("region", None)
    _apply_fields(project, fields)
    errors: dict[str, list[str]] = {}
    _clean_project(project, errors)
    if errors:
        raise ValidationError(errors)
    _set_search_text(project, build_search_text(project, organization))
    project.save()
    ProjectEvent.objects.create(project=project, action="create", to_status=project.status, actor=actor)
    # A new id never meets a page cached for a row of that id that is gone.
    project_page_changed(project.pk)
    return project


@transaction.atomic
def project_update(*, project: Project, actor: Any, **fields: Any) -> Project:
    """Organization staff change a draft (or a returned project); insurance can be
    recorded at any time before the project is over."""
    project = Project.objects.select_for_update().select_related("organization").get(pk=project.pk)
    if not org_permissions.can_manage_organization(actor, project.organization):
        raise PermissionDenied(_("Only the organization's staff can change its projects."))
    insurance_only = set(fields) <= {"insurer", "insurance_policy", "insurance_starts_on", "insurance_ends_on"}
    if project.status not in EDITABLE_STATUSES and not (
        insurance_only and project.status not in {ProjectStatus.COMPLETED, ProjectStatus.EVALUATED, ProjectStatus.REJECTED}
    ):
        raise Conflict(_("Only a draft or a returned project can be changed."), code="not_editable")
    if "region" in fields and fields["region"] is None:
        fields["region"] = project.organization.region
    _apply_fields(project, fields)
    errors: dict[str, list[str]] = {}
    _clean_project(project, errors)
    if errors:
        raise ValidationError(errors)
    _set_search_text(project, build_search_text(project))
    project.save()
    project_page_changed(project.pk)
    return project


# action: (allowed from, to, who, reason required)
TRANSITIONS: dict[str, tuple[set[str], str, str, bool]] = {
    "submit": ({ProjectStatus.DRAFT, ProjectStatus.RETURNED}, ProjectStatus.SUBMITTED, "organization", False),
    "approve": ({ProjectStatus.SUBMITTED}, ProjectStatus.APPROVED, "committee", False),
    "return": ({ProjectStatus.SUBMITTED}, ProjectStatus.RETURNED, "committee", True),
    "reject": ({ProjectStatus.SUBMITTED}, ProjectStatus.REJECTED, "committee", True),
    "recruit": ({ProjectStatus.APPROVED}, ProjectStatus.RECRUITING, "organization", False),
    "start": ({ProjectStatus.APPROVED, ProjectStatus.RECRUITING}, ProjectStatus.IN_PROGRESS, "organization", False),
    "complete": ({ProjectStatus.IN_PROGRESS}, ProjectStatus.COMPLETED, "organization", False),
    "evaluate": ({ProjectStatus.COMPLETED}, ProjectStatus.EVALUATED, "organization", False),
}


def transition_allowed(project: Project, action: str, user: Any) -> bool:
    if action not in TRANSITIONS:
        return False
    allowed_from, _to, who, _reason = TRANSITIONS[action]
    if project.status not in allowed_from:
        return False
    if who == "organization":
        return org_permissions.can_manage_organization(user, project.organization)
    return org_permissions.can_govern_region(user, project.region)


def _rating(value: Any) -> int:
    try:
        rating = int(value)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": [_("Rate the project from 1 to 5.")]})
    return rating


@transaction.atomic
def project_transition(
    *, project: Project, action: str, actor: Any, reason: str = "", rating: Any = None, summary: str = "",
    people_served: Any = None,
) -> Project:
    if action not in TRANSITIONS:
        raise ValidationError({"action": [_("Choose a valid step: %(actions)s.") % {"actions": ", ".join(TRANSITIONS)}]})
    project = Project.objects.select_for_update().select_related("organization", "region").get(pk=project.pk)
    allowed_from, to_status, who, reason_required = TRANSITIONS[action]
    if who == "organization" and not org_permissions.can_manage_organization(actor, project.organization):
        raise PermissionDenied(_("Only the organization's staff can take this step."))
    if who == "committee" and not org_permissions.can_govern_region(actor, project.region):
        raise PermissionDenied(_("Only committee staff of the project's region can take this step."))
    if project.status not in allowed_from:
        raise Conflict(
            _("This project is “%(status)s”; that step is not possible from it.") % {"status": project.get_status_display()},
            code="transition_not_allowed",
        )
    reason = (reason or "").strip()
    if reason_required and not reason:
        raise ValidationError({"reason": [_("Give a reason, so the organization knows what to change.")]})
    update = ["status"]
    if action == "evaluate":
        project.rating = _rating(rating)
        summary = (summary or "").strip()
        if not summary:
            raise ValidationError({"summary": [_("Write a short summary of how the project went.")]})
        try:
            served = int(people_served if people_served not in (None, "") else -1)
        except (TypeError, ValueError):
            served = -1
        if served < 0:
            raise ValidationError({"people_served": [_("Give the number of people served.")]})
        project.evaluation_summary, project.people_served = summary, served
        update += ["rating", "evaluation_summary", "people_served"]
        reason = reason or summary
    from_status = project.status
    project.status = to_status
    project.save(update_fields=[*update, "updated_at"])
    ProjectEvent.objects.create(project=project, action=action, from_status=from_status, to_status=to_status, actor=actor, reason=reason)
    if who == "committee":
        audit(actor=actor, action=f"project.{action}", target=project,
              details={"from": from_status, "to": to_status, "reason": reason})
    project_page_changed(project.pk)
    publish("project.transitioned", project_id=project.pk, action=action, reason=reason)
    return project


@transaction.atomic
def roster_export_record(*, shift: Shift, actor: Any, fmt: str, rows: int) -> None:
    """A roster file carries names and phone numbers: every download goes to the audit trail."""
    audit(actor=actor, action="export.roster", target=shift.project,
          details={"shift": shift.pk, "format": fmt, "rows": rows})


# --- shifts ------------------------------------------------------------------------------


def _ensure_shift_manager(actor: Any, project: Project) -> None:
    if not org_permissions.can_manage_organization(actor, project.organization):
        raise PermissionDenied(_("Only the organization's staff can manage its shifts."))
    if project.status in {ProjectStatus.REJECTED, ProjectStatus.COMPLETED, ProjectStatus.EVALUATED}:
        raise Conflict(_("Shifts cannot be added to a project that is closed."), code="project_closed")


def _validate_shift(values: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    if not isinstance(starts_at, dt.datetime):
        errors["starts_at"] = [_("Give the start time.")]
    if not isinstance(ends_at, dt.datetime):
        errors["ends_at"] = [_("Give the end time.")]
    if errors:
        return errors
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        errors["starts_at"] = [_("Give the time with its time zone.")]
        return errors
    if ends_at <= starts_at:
        errors["ends_at"] = [_("The shift ends after it starts.")]
    capacity = values.get("capacity")
    if not isinstance(capacity, int) or capacity < 1:
        errors["capacity"] = [_("A shift has at least one place.")]
    try:
        hours = Decimal(str(values.get("hours_credited")))
    except (InvalidOperation, ValueError):
        hours = Decimal(-1)
    length = Decimal((ends_at - starts_at).total_seconds()) / Decimal(3600)
    if hours <= 0:
        errors["hours_credited"] = [_("Credit more than zero hours.")]
    elif hours > length + Decimal("0.5"):
        errors["hours_credited"] = [_("Credit at most the shift's length plus half an hour.")]
    elif hours.as_tuple().exponent < -2:  # type: ignore[operator]
        errors["hours_credited"] = [_("Give the hours with at most two decimals.")]
    deadline = values.get("signup_deadline")
    if deadline is not None and deadline > starts_at:
        errors["signup_deadline"] = [_("The sign-up deadline comes before the shift starts.")]
    if values.get("waitlist_mode", WaitlistMode.AUTOMATIC) not in WaitlistMode.values:
        errors["waitlist_mode"] = [_("Choose how the waitlist works.")]
    min_age = values.get("min_age")
    if min_age is not None and not 0 <= int(min_age) <= 100:
        errors["min_age"] = [_("Give an age between 0 and 100.")]
    cutoff = values.get("cancellation_cutoff_hours", 2)
    if cutoff is None or not 0 <= int(cutoff) <= 720:
        errors["cancellation_cutoff_hours"] = [_("Give between 0 and 720 hours.")]
    for name in ("latitude", "longitude"):
        value = values.get(name)
        if value not in (None, ""):
            try:
                number = Decimal(str(value))
            except (InvalidOperation, ValueError):
                errors[name] = [_("Enter a number.")]
                continue
            if abs(number) > (90 if name == "latitude" else 180):
                errors[name] = [_("This coordinate is out of range.")]
    if len(values.get("title") or "") > 150 or len(values.get("place_name") or "") > 150:
        errors["title"] = [_("Keep this under %(limit)d characters.") % {"limit": 150}]
    return errors


SHIFT_FIELDS = {
    "title", "starts_at", "ends_at", "place_name", "latitude", "longitude", "geofence_radius_m", "capacity",
    "min_age", "requires_approval", "requires_insurance", "signup_deadline", "cancellation_cutoff_hours",
    "hours_credited", "waitlist_mode", "waitlist_limit",
}


def _build_shift(project: Project, values: dict[str, Any], series: uuid.UUID | None) -> Shift:
    shift = Shift(project=project, series=series)
    for name, value in values.items():
        if name in SHIFT_FIELDS:
            setattr(shift, name, value)
    shift.hours_credited = Decimal(str(values["hours_credited"]))
    if not shift.place_name:
        shift.place_name = project.place_name
    if shift.latitude in (None, "") or shift.longitude in (None, ""):
        shift.latitude, shift.longitude = project.latitude, project.longitude
    if shift.signup_deadline is None:
        shift.signup_deadline = shift.starts_at
    return shift


def _set_requirements(shifts: list[Shift], skills: Iterable[Skill], qualifications: Iterable[Qualification]) -> None:
    skills, qualifications = list(skills or []), list(qualifications or [])
    if skills:
        Shift.skills.through.objects.bulk_create(
            [Shift.skills.through(shift_id=s.pk, skill_id=k.pk) for s in shifts for k in skills]
        )
    if qualifications:
        Shift.qualifications.through.objects.bulk_create(
            [Shift.qualifications.through(shift_id=s.pk, qualification_id=q.pk) for s in shifts for q in qualifications]
        )


@transaction.atomic
def shift_create(
    *, project: Project, actor: Any, skills: Iterable[Skill] = (), qualifications: Iterable[Qualification] = (),
    **values: Any,
) -> Shift:
    _ensure_shift_manager(actor, project)
    unknown = set(values) - SHIFT_FIELDS
    if unknown:
        raise ValidationError({sorted(unknown)[0]: [_("This field cannot be set here.")]})
    errors = _validate_shift(values)
    if errors:
        raise ValidationError(errors)
    shift = _build_shift(project, values, None)
    shift.save()
    _set_requirements([shift], skills, qualifications)
    project_page_changed(project.pk)
    return shift


@transaction.atomic
def shift_create_series(
    *, project: Project, actor: Any, starts_at: dt.datetime, ends_at: dt.datetime, weeks: int, weekdays: list[str],
    skills: Iterable[Skill] = (), qualifications: Iterable[Qualification] = (), deadline_hours_before: int = 0,
    **values: Any,
) -> list[Shift]:
    """Weekly shifts in one step: the first start and end give the time of day and length;
    one shift on each chosen weekday for ``weeks`` weeks from the first start's date."""
    _ensure_shift_manager(actor, project)
    errors: dict[str, list[str]] = {}
    if not isinstance(weeks, int) or not 1 <= weeks <= 52:
        errors["weeks"] = [_("Give between 1 and 52 weeks.")]
    chosen = [d for d in weekdays or [] if d in WEEKDAY_CODES]
    if not chosen or len(chosen) != len(weekdays):
        errors["weekdays"] = [_("Choose at least one weekday.")]
    values.pop("signup_deadline", None)
    errors.update(_validate_shift({**values, "starts_at": starts_at, "ends_at": ends_at}))
    if errors:
        raise ValidationError(errors)
    local_start = timezone.localtime(starts_at)
    length = ends_at - starts_at
    series = uuid.uuid4()
    shifts = []
    for offset in range(weeks * 7):
        day = local_start.date() + dt.timedelta(days=offset)
        if WEEKDAY_CODES[day.weekday()] not in chosen:
            continue
        start = timezone.make_aware(dt.datetime.combine(day, local_start.time().replace(tzinfo=None)), local_start.tzinfo)
        shift = _build_shift(project, {**values, "starts_at": start, "ends_at": start + length}, series)
        shift.signup_deadline = start - dt.timedelta(hours=deadline_hours_before or 0)
        shifts.append(shift)
    if not shifts:
        raise ValidationError({"weekdays": [_("None of the chosen weekdays falls in this period.")]})
    Shift.objects.bulk_create(shifts)
    if not all(s.pk for s in shifts):
        shifts = list(Shift.objects.filter(series=series).order_by("starts_at"))
    _set_requirements(shifts, skills, qualifications)
    project_page_changed(project.pk)
    return shifts


@transaction.atomic
def shift_update(
    *, shift: Shift, actor: Any, skills: Iterable[Skill] | None = None,
    qualifications: Iterable[Qualification] | None = None, **values: Any,
) -> Shift:
    """Change a shift; more places go to the waitlist at once, fewer than the places
    already held are refused."""
    shift = _lock_shift(shift.pk)
    _ensure_shift_manager(actor, shift.project)
    if shift.status == ShiftStatus.CANCELLED:
        raise Conflict(_("This shift is already cancelled."), code="shift_cancelled")
    unknown = set(values) - SHIFT_FIELDS
    if unknown:
        raise ValidationError({sorted(unknown)[0]: [_("This field cannot be set here.")]})
    if "starts_at" in values and "signup_deadline" not in values and shift.signup_deadline == shift.starts_at:
        values["signup_deadline"] = values["starts_at"]
    merged = {name: getattr(shift, name) for name in SHIFT_FIELDS} | values
    errors = _validate_shift(merged)
    if isinstance(merged.get("capacity"), int) and merged["capacity"] < shift.confirmed_count:
        errors["capacity"] = [
            _("%(count)d places are already taken; cancel sign-ups before reducing the places.")
            % {"count": shift.confirmed_count}
        ]
    if errors:
        raise ValidationError(errors)
    for name, value in values.items():
        setattr(shift, name, value)
    if values.get("signup_deadline", shift.signup_deadline) is None:
        shift.signup_deadline = shift.starts_at
    shift.hours_credited = Decimal(str(shift.hours_credited))
    shift.save(update_fields=[*values, "signup_deadline", "hours_credited"] if values else ["hours_credited"])
    if skills is not None:
        shift.skills.set(list(skills))
    if qualifications is not None:
        shift.qualifications.set(list(qualifications))
    _fill_places(shift, timezone.now())
    return shift


@transaction.atomic
def shift_cancel(*, shift: Shift, actor: Any, reason: str) -> Shift:
    shift = _lock_shift(shift.pk)
    project = shift.project
    if not org_permissions.can_manage_organization(actor, project.organization):
        raise PermissionDenied(_("Only the organization's staff can cancel its shifts."))
    if shift.status == ShiftStatus.CANCELLED:
        raise Conflict(_("This shift is already cancelled."), code="shift_cancelled")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Tell the volunteers why the shift is cancelled.")]})
    now = timezone.now()
    affected = list(SignUp.objects.filter(shift=shift, status__in=ACTIVE_SIGNUP_STATUSES).values_list("pk", flat=True))
    SignUp.objects.filter(pk__in=affected).update(
        status=SignUpStatus.CANCELLED, waitlist_position=None, offer_token=None, offer_expires_at=None,
        cancelled_at=now, decided_by=actor, note=reason[:300],
    )
    held = SignUp.objects.filter(shift=shift, status__in=[SignUpStatus.ATTENDED, SignUpStatus.NO_SHOW]).count()
    Shift.objects.filter(pk=shift.pk).update(
        status=ShiftStatus.CANCELLED, cancelled_reason=reason, confirmed_count=held, waitlisted_count=0, pending_count=0
    )
    shift.refresh_from_db()
    publish("shift.cancelled", shift_id=shift.pk, reason=reason)
    for signup_id in affected:
        publish("signup.cancelled_by_organizer", signup_id=signup_id)
    return shift


# --- eligibility ---------------------------------------------------------------------------


@dataclass
class Refusal:
    message: str
    code: str
    is_requirement: bool = False  # an unmet requirement (422) rather than a state conflict (409)

    def raise_it(self) -> None:
        if self.is_requirement:
            raise ValidationError({"requirements": [self.message]}, code=self.code)
        raise Conflict(self.message, code=self.code)


class VolunteerFacts:
    """What eligibility needs to know about one volunteer: the profile and the active
    sign-ups, read at once (two queries); skills and qualifications on first use (a query
    each), so checking a shift that requires neither costs neither."""

    def __init__(self, user: Any) -> None:
        self.user = user
        profile = getattr(user, "volunteer", None) if user is not None and user.is_authenticated else None
        self.profile = profile
        self.birth_date = profile.birth_date if profile else None
        rows = (
            SignUp.objects.filter(volunteer=user, status__in=ACTIVE_SIGNUP_STATUSES)
            .values_list("shift_id", "status", "shift__starts_at", "shift__ends_at")
            if profile else []
        )
        self.active_shift_ids: dict[int, str] = {}
        self.confirmed_spans: list[tuple[int, dt.datetime, dt.datetime]] = []
        for shift_id, status, starts_at, ends_at in rows:
            self.active_shift_ids[shift_id] = status
            if status == SignUpStatus.CONFIRMED:
                self.confirmed_spans.append((shift_id, starts_at, ends_at))

    @functools.cached_property
    def skill_ids(self) -> set[int]:
        return set(self.profile.skills.values_list("pk", flat=True)) if self.profile else set()

    @functools.cached_property
    def qualifications(self) -> dict[int, dt.datetime | None]:
        if not self.profile:
            return {}
        return dict(VolunteerQualification.objects.filter(user=self.user).values_list("qualification_id", "expires_at"))

    def overlaps(self, shift: Shift) -> bool:
        """Confirmed for another shift at the same time?"""
        return any(
            other_id != shift.pk and starts_at < shift.ends_at and ends_at > shift.starts_at
            for other_id, starts_at, ends_at in self.confirmed_spans
        )


class VolunteerFactsForShift(VolunteerFacts):
    """The same facts as far as one shift goes, read in the sign-up's own query
    (SIGNUP_FACTS_SQL): the active sign-up on that shift, if any, and whether a confirmed
    place elsewhere overlaps it, instead of every active sign-up. No query of its own."""

    def __init__(self, user: Any, profile: Any, shift_id: int, active_status: str | None, overlapping: bool) -> None:
        self.user = user
        self.profile = profile
        self.birth_date = profile.birth_date if profile else None
        self.active_shift_ids = {shift_id: active_status} if active_status else {}
        self.confirmed_spans = []
        self.shift_id = shift_id
        self.overlapping = overlapping

    def overlaps(self, shift: Shift) -> bool:
        if shift.pk != self.shift_id:
            raise ValueError("these facts answer for one shift only")
        return self.overlapping


def signup_refusal(
    *, shift: Shift, project: Project, facts: VolunteerFacts, now: dt.datetime | None = None,
    skills: list[Skill] | None = None, qualifications: list[Qualification] | None = None,
) -> Refusal | None:
    """Why this volunteer may not sign up for this shift, or None. Pages call it to show
    the reason next to the button; signup_create calls it under the shift lock."""
    now = now or timezone.now()
    if facts.profile is None:
        return Refusal(_("Register as a volunteer to sign up."), "not_volunteer", True)
    if project.status not in SIGNUP_OPEN_STATUSES:
        return Refusal(_("This project is not recruiting volunteers."), "project_not_recruiting")
    if shift.status != ShiftStatus.OPEN:
        return Refusal(_("This shift is cancelled."), "shift_cancelled")
    if shift.starts_at <= now:
        return Refusal(_("This shift has already started."), "shift_started")
    if shift.signup_deadline and shift.signup_deadline <= now:
        return Refusal(_("The sign-up deadline for this shift has passed."), "deadline_passed")
    if shift.pk in facts.active_shift_ids:
        return Refusal(_("You have already signed up for this shift."), "already_signed_up")
    if facts.overlaps(shift):
        return Refusal(_("You are confirmed for another shift at the same time."), "overlapping_shift")
    if shift.min_age:
        if facts.birth_date is None:
            return Refusal(_("Add your birth date to your profile: this shift has a minimum age."), "age_unknown", True)
        if age_on(facts.birth_date, timezone.localtime(shift.starts_at).date()) < shift.min_age:
            return Refusal(_("You must be %(age)d or older.") % {"age": shift.min_age}, "too_young", True)
    for skill in skills if skills is not None else shift.skills.all():
        if skill.pk not in facts.skill_ids:
            return Refusal(_("This shift needs the skill: %(skill)s") % {"skill": localized(skill)}, "skill_missing", True)
    for qualification in qualifications if qualifications is not None else shift.qualifications.all():
        held = qualification.pk in facts.qualifications
        expires = facts.qualifications.get(qualification.pk)
        if not held or (expires is not None and expires < shift.ends_at):
            return Refusal(
                _("This shift needs the qualification: %(qualification)s") % {"qualification": localized(qualification)},
                "qualification_missing", True,
            )
    if shift.requires_insurance:
        day = timezone.localtime(shift.starts_at).date()
        covered = bool(
            project.insurer and project.insurance_starts_on and project.insurance_ends_on
            and project.insurance_starts_on <= day <= project.insurance_ends_on
        )
        if not covered:
            return Refusal(
                _("This shift needs accident insurance, and the project's insurance does not cover %(day)s.")
                % {"day": day.isoformat()}, "insurance_missing", True,
            )
    full = shift.confirmed_count >= shift.capacity
    if full and not shift.requires_approval and shift.waitlist_limit is not None and shift.waitlisted_count >= shift.waitlist_limit:
        return Refusal(_("This shift is full and its waitlist is closed."), "shift_full")
    return None


# --- sign-ups -----------------------------------------------------------------------------


def _lock_shift(shift_id: int) -> Shift:
    """Every change to a shift or its places (sign-ups, cancellations, the waitlist, edits)
    takes this lock first, so this is where the project's public page is retired (a
    refused change costs visitors one render of the page, nothing more). One query: the
    shift, locked, with its project, organization and region (only the shift's row is
    locked). A new sign-up takes the same lock, and retires the page, in its own read
    (SIGNUP_FACTS_SQL)."""
    shift = (
        Shift.objects.select_for_update(of=("self",))
        .select_related("project__organization", "project__region")
        .filter(pk=shift_id)
        .first()
    )
    if shift is None:
        raise Conflict(_("This shift no longer exists."), code="shift_missing")
    project_page_changed(shift.project_id)
    return shift


def _counter_up(shift: Shift, counter: str) -> tuple[str, list[Any]]:
    """``UPDATE`` that adds one to a counter of the shift (``rows.insert``'s ``together``)."""
    quote = connection.ops.quote_name
    column = quote(Shift._meta.get_field(counter).column)
    return (f"UPDATE {quote(Shift._meta.db_table)} SET {column} = {column} + 1 "  # noqa: S608 (quoted names)
            f"WHERE {quote(Shift._meta.pk.column)} = %s", [shift.pk])


def _append_to_waitlist(shift: Shift, signup: SignUp) -> None:
    signup.status = SignUpStatus.WAITLISTED
    signup.waitlist_position = shift.waitlisted_count + 1
    Shift.objects.filter(pk=shift.pk).update(waitlisted_count=F("waitlisted_count") + 1)
    shift.waitlisted_count += 1


def _take_place(shift: Shift) -> None:
    Shift.objects.filter(pk=shift.pk).update(confirmed_count=F("confirmed_count") + 1)
    shift.confirmed_count += 1


def _release_place(shift: Shift) -> None:
    Shift.objects.filter(pk=shift.pk).update(confirmed_count=F("confirmed_count") - 1)
    shift.confirmed_count -= 1


def _leave_waitlist(shift: Shift, position: int | None) -> None:
    """Close the gap a sign-up leaves in the waitlist."""
    if position is not None:
        SignUp.objects.filter(
            shift=shift, status=SignUpStatus.WAITLISTED, waitlist_position__gt=position
        ).update(waitlist_position=F("waitlist_position") - 1)
    Shift.objects.filter(pk=shift.pk).update(waitlisted_count=F("waitlisted_count") - 1)
    shift.waitlisted_count -= 1


def offer_hours() -> int:
    return int(settings.CIVITAS.get("WAITLIST_OFFER_HOURS", 12))


def _fill_places(shift: Shift, now: dt.datetime) -> None:
    """Give free places to the waitlist in order: at once (automatic) or by an offer."""
    if shift.status != ShiftStatus.OPEN or shift.starts_at <= now:
        return
    while shift.confirmed_count < shift.capacity:
        first = (
            SignUp.objects.filter(shift=shift, status=SignUpStatus.WAITLISTED).order_by("waitlist_position", "pk").first()
        )
        if first is None:
            return
        position = first.waitlist_position
        first.waitlist_position = None
        first.decided_at = now
        if shift.waitlist_mode == WaitlistMode.OFFER:
            first.status = SignUpStatus.OFFERED
            first.offer_token = new_offer_token()
            first.offer_expires_at = min(now + dt.timedelta(hours=offer_hours()), shift.starts_at)
            event = "signup.offered"
        else:
            first.status = SignUpStatus.CONFIRMED
            event = "signup.promoted"
        first.save(update_fields=["status", "waitlist_position", "offer_token", "offer_expires_at", "decided_at"])
        _leave_waitlist(shift, position)
        _take_place(shift)
        publish(event, signup_id=first.pk)


# Everything a sign-up decides on, in one query under the shift's lock: the shift, the
# project's fields its rules read, the volunteer's profile, an active sign-up of theirs on
# this shift, a confirmed place of theirs elsewhere that overlaps it, and whether the shift
# requires any skill or qualification. Written out and read with a plain cursor, as the
# check-in's is: built with the ORM, these reads (five, with the endpoint's own read of the
# shift) were half of a sign-up request's CPU, most of it compiling (docs/performance.md,
# "Sign-ups"). The same SQL runs on SQLite and PostgreSQL (where it locks the shift's row
# only); the tests run it on both.
SIGNUP_FACTS_SQL = """
SELECT {shift_columns}, {project_columns}, {profile_columns},
    (SELECT u.status FROM projects_signup u
     WHERE u.shift_id = s.id AND u.volunteer_id = %s AND u.status IN ({active})) AS active_status,
    EXISTS (SELECT 1 FROM projects_signup c JOIN projects_shift o ON o.id = c.shift_id
            WHERE c.volunteer_id = %s AND c.status = %s AND c.shift_id <> s.id
              AND o.starts_at < s.ends_at AND o.ends_at > s.starts_at) AS overlapping,
    EXISTS (SELECT 1 FROM projects_shift_skills k WHERE k.shift_id = s.id) AS has_skills,
    EXISTS (SELECT 1 FROM projects_shift_qualifications q WHERE q.shift_id = s.id) AS has_qualifications
FROM projects_shift s
JOIN projects_project p ON p.id = s.project_id
LEFT JOIN accounts_volunteerprofile v ON v.user_id = %s
WHERE s.id = %s{lock}
"""
# The Project fields the sign-up's rules and the visibility check read, the profile's.
SIGNUP_PROJECT_FIELDS = ("id", "status", "organization", "region", "insurer", "insurance_starts_on", "insurance_ends_on")
SIGNUP_PROFILE_FIELDS = ("id", "user", "birth_date")


@functools.cache
def _signup_fields() -> tuple[list[Any], list[Any]]:
    return rows.fields_of(Project, SIGNUP_PROJECT_FIELDS), rows.fields_of(VolunteerProfile, SIGNUP_PROFILE_FIELDS)


@functools.cache
def _signup_facts_sql(database: str) -> str:
    project_fields, profile_fields = _signup_fields()
    return SIGNUP_FACTS_SQL.format(
        shift_columns=rows.columns(Shift, "s", database),
        project_columns=rows.columns(Project, "p", database, project_fields),
        profile_columns=rows.columns(VolunteerProfile, "v", database, profile_fields),
        active=", ".join(["%s"] * len(ACTIVE_SIGNUP_STATUSES)),
        lock=" FOR UPDATE OF s" if connections[database].features.has_select_for_update_of else "",
    )


def _signup_facts(shift_id: int, volunteer: Any) -> tuple[Shift, Project, VolunteerFactsForShift, bool, bool] | None:
    """The shift (locked), its project (the fields above), the volunteer's facts for it,
    and whether it requires skills, qualifications; None for no such shift."""
    database = connection.alias
    params = [volunteer.pk, *ACTIVE_SIGNUP_STATUSES, volunteer.pk, SignUpStatus.CONFIRMED, volunteer.pk, shift_id]
    with connection.cursor() as cursor:
        cursor.execute(_signup_facts_sql(database), params)
        row = cursor.fetchone()
    if row is None:
        return None
    project_fields, profile_fields = _signup_fields()
    project_at = len(Shift._meta.concrete_fields)
    profile_at = project_at + len(project_fields)
    facts_at = profile_at + len(profile_fields)
    shift = rows.instance(database, Shift, row[:project_at])
    project = rows.instance(database, Project, row[project_at:profile_at], project_fields)
    shift.project = project
    profile_values = row[profile_at:facts_at]
    profile = rows.instance(database, VolunteerProfile, profile_values, profile_fields) if profile_values[0] else None
    active_status, overlapping, has_skills, has_qualifications = row[facts_at:]
    facts = VolunteerFactsForShift(volunteer, profile, shift.pk, active_status, bool(overlapping))
    return shift, project, facts, bool(has_skills), bool(has_qualifications)


def signup_create(*, shift: Shift, volunteer: Any, note: str = "") -> SignUp:
    """Confirmed at once, pending when the shift needs approval, waitlisted when full.
    ``shift`` only names the shift (the caller read it through a permission-checked getter);
    its state is read again under the lock."""
    return _signup_create(shift_id=shift.pk, volunteer=volunteer, note=note, check_visible=False)


def signup_create_for_shift_id(*, shift_id: int, volunteer: Any, note: str = "") -> SignUp:
    """The API's sign-up: no shift read beforehand. A shift that does not exist, or whose
    project this volunteer may not see, answers 404 (as ``get_shift_for_user`` does), from
    the sign-up's own read; the organization and region are read only for a project not in
    a public status."""
    return _signup_create(shift_id=shift_id, volunteer=volunteer, note=note, check_visible=True)


@transaction.atomic
def _signup_create(*, shift_id: int, volunteer: Any, note: str, check_visible: bool) -> SignUp:
    """Under the shift's lock, one query for everything the rules read (SIGNUP_FACTS_SQL;
    the skills and qualifications only for a shift that requires any), then the counter
    and the row: BEGIN, the read, two writes, COMMIT (docs/performance.md, "Sign-ups")."""
    read = _signup_facts(shift_id, volunteer)
    if read is None:
        if check_visible:
            raise Http404
        raise Conflict(_("This shift no longer exists."), code="shift_missing")
    shift, project, facts, has_skills, has_qualifications = read
    if check_visible and not permissions.can_view_project(volunteer, project):
        raise Http404
    project_page_changed(project.pk)
    now = timezone.now()
    refusal = signup_refusal(
        shift=shift, project=project, facts=facts, now=now,
        skills=list(shift.skills.all()) if has_skills else [],
        qualifications=list(shift.qualifications.all()) if has_qualifications else [],
    )
    if refusal is not None:
        refusal.raise_it()
    signup = SignUp(shift=shift, volunteer=volunteer, note=(note or "")[:300], created_at=now)
    if shift.requires_approval:
        signup.status, counter, event = SignUpStatus.PENDING, "pending_count", "signup.pending"
    elif shift.confirmed_count < shift.capacity:
        signup.status, counter, event = SignUpStatus.CONFIRMED, "confirmed_count", "signup.confirmed"
    else:
        signup.status, counter, event = SignUpStatus.WAITLISTED, "waitlisted_count", "signup.waitlisted"
        signup.waitlist_position = shift.waitlisted_count + 1
    setattr(shift, counter, getattr(shift, counter) + 1)
    try:
        # The row and its counter in one written-out statement (on PostgreSQL; two on
        # SQLite): the ORM's save and update were a fifth of the request's CPU. No
        # savepoint of its own: the refusal above already read this volunteer's active
        # sign-ups under the shift's lock, so the unique constraint is only the backstop,
        # and a failure ends this function's transaction (or its savepoint, when a caller
        # holds one) as a whole.
        rows.insert(signup, together=_counter_up(shift, counter))
    except IntegrityError:
        raise Conflict(_("You have already signed up for this shift."), code="already_signed_up") from None
    publish(event, signup_id=signup.pk)
    return signup


def _lock_signup(signup_id: int) -> tuple[SignUp, Shift]:
    """Lock the shift first, then the sign-up: the same order everywhere, so no deadlock."""
    shift_id = SignUp.objects.filter(pk=signup_id).values_list("shift_id", flat=True).first()
    if shift_id is None:
        raise Conflict(_("This sign-up no longer exists."), code="signup_missing")
    shift = _lock_shift(shift_id)
    signup = SignUp.objects.select_for_update().get(pk=signup_id)
    signup.shift = shift
    return signup, shift


def _remove(signup: SignUp, shift: Shift, status: str, actor: Any, now: dt.datetime, note: str = "") -> None:
    previous, position = signup.status, signup.waitlist_position
    signup.status = status
    signup.waitlist_position = None
    signup.offer_token = None
    signup.offer_expires_at = None
    signup.cancelled_at = now if status == SignUpStatus.CANCELLED else signup.cancelled_at
    signup.decided_at = now
    signup.decided_by = actor
    if note:
        signup.note = note[:300]
    signup.save(update_fields=["status", "waitlist_position", "offer_token", "offer_expires_at", "cancelled_at", "decided_at", "decided_by", "note"])
    if previous in PLACE_HOLDING:
        _release_place(shift)
        _fill_places(shift, now)
    elif previous == SignUpStatus.WAITLISTED:
        _leave_waitlist(shift, position)
    elif previous == SignUpStatus.PENDING:
        Shift.objects.filter(pk=shift.pk).update(pending_count=F("pending_count") - 1)
        shift.pending_count -= 1


def can_manage_signup(user: Any, signup: SignUp) -> bool:
    return org_permissions.can_manage_organization(user, signup.shift.project.organization)


@transaction.atomic
def signup_cancel(*, signup: SignUp, actor: Any, reason: str = "") -> SignUp:
    """The volunteer cancels before the cut-off; the organizer any time. The waitlist moves up."""
    signup, shift = _lock_signup(signup.pk)
    now = timezone.now()
    is_organizer = org_permissions.can_manage_organization(actor, shift.project.organization)
    if actor.pk != signup.volunteer_id and not is_organizer:
        raise PermissionDenied(_("You can only cancel your own sign-up."))
    if signup.status not in ACTIVE_SIGNUP_STATUSES:
        raise Conflict(_("This sign-up is no longer active."), code="signup_inactive")
    by_organizer = actor.pk != signup.volunteer_id
    if not by_organizer and signup.status in PLACE_HOLDING:
        cutoff = shift.starts_at - dt.timedelta(hours=shift.cancellation_cutoff_hours)
        if now >= cutoff:
            raise Conflict(
                _("Cancelling closed %(hours)d hours before the start; please tell the organizer instead.")
                % {"hours": shift.cancellation_cutoff_hours},
                code="cancellation_closed",
            )
    _remove(signup, shift, SignUpStatus.CANCELLED, actor, now, reason)
    if by_organizer:
        publish("signup.cancelled_by_organizer", signup_id=signup.pk)
    return signup


@transaction.atomic
def signup_decide(*, signup: SignUp, approve: bool, actor: Any, reason: str = "") -> SignUp:
    """Organizers approve or turn down a pending sign-up; an approved one takes a free
    place or joins the waitlist."""
    signup, shift = _lock_signup(signup.pk)
    if not org_permissions.can_manage_organization(actor, shift.project.organization):
        raise PermissionDenied(_("Only the organization's staff can decide on sign-ups."))
    if signup.status != SignUpStatus.PENDING:
        raise Conflict(_("This sign-up is not waiting for a decision."), code="not_pending")
    now = timezone.now()
    if not approve:
        if not (reason or "").strip():
            raise ValidationError({"reason": [_("Give a reason for turning the sign-up down.")]})
        _remove(signup, shift, SignUpStatus.REJECTED, actor, now, reason)
        publish("signup.rejected", signup_id=signup.pk)
        return signup
    Shift.objects.filter(pk=shift.pk).update(pending_count=F("pending_count") - 1)
    shift.pending_count -= 1
    if shift.confirmed_count < shift.capacity:
        signup.status = SignUpStatus.CONFIRMED
        _take_place(shift)
        event = "signup.confirmed"
    else:
        _append_to_waitlist(shift, signup)
        event = "signup.waitlisted"
    signup.decided_at, signup.decided_by = now, actor
    signup.save(update_fields=["status", "waitlist_position", "decided_at", "decided_by"])
    publish(event, signup_id=signup.pk)
    return signup


@transaction.atomic
def signup_move(*, signup: SignUp, to_shift: Shift, actor: Any) -> SignUp:
    """Move a volunteer to another shift of the same project, into a free place there."""
    first_id, second_id = sorted([signup.shift_id, to_shift.pk])
    _lock_shift(first_id)
    _lock_shift(second_id)
    signup, shift = _lock_signup(signup.pk)
    target = _lock_shift(to_shift.pk)
    if not org_permissions.can_manage_organization(actor, shift.project.organization):
        raise PermissionDenied(_("Only the organization's staff can move volunteers."))
    if target.project_id != shift.project_id or target.pk == shift.pk:
        raise ValidationError({"to_shift": [_("Choose another shift of the same project.")]})
    if signup.status not in ACTIVE_SIGNUP_STATUSES:
        raise Conflict(_("This sign-up is no longer active."), code="signup_inactive")
    if target.status != ShiftStatus.OPEN:
        raise Conflict(_("The other shift is cancelled."), code="shift_cancelled")
    if target.confirmed_count >= target.capacity:
        raise Conflict(_("The other shift has no free place."), code="shift_full")
    if SignUp.objects.filter(shift=target, volunteer_id=signup.volunteer_id, status__in=ACTIVE_SIGNUP_STATUSES).exists():
        raise Conflict(_("This volunteer has already signed up for the other shift."), code="already_signed_up")
    # The organizer may move past a deadline, but not past a requirement or into a clash.
    facts = VolunteerFacts(signup.volunteer)
    facts.active_shift_ids.pop(shift.pk, None)
    facts.confirmed_spans = [span for span in facts.confirmed_spans if span[0] != shift.pk]
    refusal = signup_refusal(shift=target, project=target.project, facts=facts)
    if refusal is not None and (refusal.is_requirement or refusal.code == "overlapping_shift"):
        refusal.raise_it()
    now = timezone.now()
    volunteer_id, note = signup.volunteer_id, signup.note
    _remove(signup, shift, SignUpStatus.CANCELLED, actor, now, _("Moved to another shift"))
    moved = SignUp.objects.create(
        shift=target, volunteer_id=volunteer_id, status=SignUpStatus.CONFIRMED, note=note, created_at=now,
        decided_at=now, decided_by=actor,
    )
    _take_place(target)
    publish("signup.confirmed", signup_id=moved.pk)
    return moved


@transaction.atomic
def signup_mark(*, signup: SignUp, attended: bool, actor: Any) -> SignUp:
    signup, shift = _lock_signup(signup.pk)
    if not org_permissions.can_manage_organization(actor, shift.project.organization):
        raise PermissionDenied(_("Only the organization's staff can mark attendance."))
    if signup.status not in (SignUpStatus.CONFIRMED, SignUpStatus.ATTENDED, SignUpStatus.NO_SHOW):
        raise Conflict(_("Only a confirmed volunteer can be marked."), code="not_confirmed")
    if shift.starts_at > timezone.now():
        raise Conflict(_("Mark attendance once the shift has started."), code="shift_not_started")
    signup.status = SignUpStatus.ATTENDED if attended else SignUpStatus.NO_SHOW
    signup.decided_at, signup.decided_by = timezone.now(), actor
    signup.save(update_fields=["status", "decided_at", "decided_by"])
    return signup


@transaction.atomic
def offer_accept(*, token: Any, volunteer: Any) -> SignUp:
    signup_id = SignUp.objects.filter(offer_token=token).values_list("pk", flat=True).first()
    if signup_id is None:
        raise Conflict(_("This offer is no longer valid."), code="offer_invalid")
    signup, _shift = _lock_signup(signup_id)
    if signup.volunteer_id != volunteer.pk:
        raise PermissionDenied(_("This offer was made to someone else."))
    if signup.status != SignUpStatus.OFFERED or signup.offer_expires_at is None or signup.offer_expires_at <= timezone.now():
        raise Conflict(_("This offer has expired."), code="offer_expired")
    signup.status = SignUpStatus.CONFIRMED
    signup.offer_token = None
    signup.offer_expires_at = None
    signup.decided_at = timezone.now()
    signup.save(update_fields=["status", "offer_token", "offer_expires_at", "decided_at"])
    publish("signup.confirmed", signup_id=signup.pk)
    return signup


def offers_expire(*, now: dt.datetime | None = None) -> int:
    """Withdraw offers whose time ran out and pass each place to the next in line.
    A periodic task or ``manage.py expire_offers`` calls it."""
    now = now or timezone.now()
    expired = list(
        SignUp.objects.filter(status=SignUpStatus.OFFERED, offer_expires_at__lte=now).values_list("pk", flat=True)
    )
    count = 0
    for signup_id in expired:
        with transaction.atomic():
            signup, shift = _lock_signup(signup_id)
            if signup.status != SignUpStatus.OFFERED or signup.offer_expires_at is None or signup.offer_expires_at > now:
                continue
            _remove(signup, shift, SignUpStatus.CANCELLED, None, now, _("The offer expired"))
            count += 1
    return count


ROSTER_ACTIONS = ("approve", "reject", "move", "attended", "no_show", "cancel")


def signup_roster_action(
    *, signup: SignUp, actor: Any, action: str, reason: str = "", to_shift_id: int | None = None
) -> SignUp:
    """One entry point for the roster's buttons (page and API)."""
    if action in ("approve", "reject"):
        return signup_decide(signup=signup, approve=action == "approve", actor=actor, reason=reason)
    if action in ("attended", "no_show"):
        return signup_mark(signup=signup, attended=action == "attended", actor=actor)
    if action == "cancel":
        if not org_permissions.can_manage_organization(actor, signup.shift.project.organization):
            raise PermissionDenied(_("Only the organization's staff can manage the roster."))
        return signup_cancel(signup=signup, actor=actor, reason=reason)
    if action == "move":
        target = Shift.objects.filter(pk=to_shift_id or 0).first()
        if target is None:
            raise ValidationError({"to_shift": [_("Choose another shift of the same project.")]})
        return signup_move(signup=signup, to_shift=target, actor=actor)
    raise ValidationError({"action": [_("Choose approve, reject, move, attended, no-show or cancel.")]})


# --- calendars ---------------------------------------------------------------------------


@transaction.atomic
def calendar_token_issue(*, user: Any) -> CalendarToken:
    """A new secret calendar URL; any earlier one stops working."""
    now = timezone.now()
    CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    return CalendarToken.objects.create(user=user, token=secrets.token_urlsafe(32), created_at=now)


def calendar_token_revoke(*, user: Any) -> int:
    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())

