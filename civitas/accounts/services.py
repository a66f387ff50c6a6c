"""Writes for people: registration, profiles, tokens, merging duplicate records."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import ForeignKey
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.accounts.audit import audit
from civitas.accounts.models import (
    ApiToken,
    AuditEntry,
    ConsentRecord,
    IdType,
    MergeRecord,
    ServiceCategory,
    Skill,
    User,
    VolunteerProfile,
)
from civitas.core import crypto
from civitas.core.events import publish
from civitas.core.identity import age_on, normalize_mobile, parse_resident_id


@dataclass
class Guardian:
    name: str = ""
    relation: str = ""
    mobile: str = ""


def _rules() -> dict[str, Any]:
    return settings.CIVITAS


def new_volunteer_number() -> str:
    """A public-safe number: random, so it says nothing about the person or the order."""
    prefix = _rules()["VOLUNTEER_NUMBER_PREFIX"]
    while True:
        number = f"{prefix}{secrets.randbelow(10**10):010d}"
        if not VolunteerProfile.objects.filter(volunteer_number=number).exists():
            return number


def normalize_email(value: str | None) -> str | None:
    value = (value or "").strip().lower()
    if not value:
        return None
    validate_email(value)
    return value


def clean_contact(*, mobile: str | None, email: str | None, user: User | None = None) -> tuple[str, str | None]:
    """Validate and de-duplicate a mobile number and an email; answers field errors."""
    errors: dict[str, list[str]] = {}
    normalized_mobile = ""
    normalized_email = None
    if mobile:
        try:
            normalized_mobile = normalize_mobile(mobile)
        except ValidationError as error:
            errors["mobile"] = error.messages
        else:
            taken = User.objects.filter(mobile_digest=crypto.lookup_digest(normalized_mobile))
            if user is not None:
                taken = taken.exclude(pk=user.pk)
            if taken.exists():
                errors["mobile"] = [_("This mobile number is already registered. Sign in or reset your password.")]
    if email:
        try:
            normalized_email = normalize_email(email)
        except ValidationError:
            errors["email"] = [_("Enter a valid email address.")]
        else:
            taken = User.objects.filter(email__iexact=normalized_email)
            if user is not None:
                taken = taken.exclude(pk=user.pk)
            if taken.exists():
                errors["email"] = [_("This email address is already registered. Sign in or reset your password.")]
    if errors:
        raise ValidationError(errors)
    return normalized_mobile, normalized_email


def clean_identity(
    *, id_type: str, id_number: str, birth_date: dt.date | None, gender: str, profile: VolunteerProfile | None = None
) -> tuple[str, str, dt.date | None, str]:
    """Validate an ID document; a resident ID yields the birth date and gender."""
    id_type = id_type or ""
    id_number = (id_number or "").strip().upper()
    if id_number and not id_type:
        id_type = IdType.RESIDENT_ID
    if id_type and id_type not in IdType.values:
        raise ValidationError({"id_type": [_("Choose a valid ID type.")]})
    if id_type and not id_number:
        raise ValidationError({"id_number": [_("Enter the ID number, or leave the ID type empty.")]})
    if id_type == IdType.RESIDENT_ID:
        try:
            resident = parse_resident_id(id_number)
        except ValidationError as error:
            raise ValidationError({"id_number": error.messages}) from None
        birth_date, gender = resident.birth_date, resident.gender
    elif id_number and not (4 <= len(id_number) <= 30 and id_number.isalnum()):
        raise ValidationError({"id_number": [_("An ID number has 4 to 30 letters and digits.")]})
    if id_number:
        taken = VolunteerProfile.objects.filter(id_number_digest=crypto.lookup_digest(f"{id_type}:{id_number}"))
        if profile is not None:
            taken = taken.exclude(pk=profile.pk)
        if taken.exists():
            raise ValidationError({"id_number": [_("A volunteer with this ID number is already registered.")]})
    return id_type, id_number, birth_date, gender


def _check_age(*, birth_date: dt.date | None, guardian: Guardian, registered_by_guardian: bool) -> None:
    if birth_date is None:
        raise ValidationError({"birth_date": [_("Enter your birth date, or a resident ID number that contains it.")]})
    today = timezone.localdate()
    if birth_date > today:
        raise ValidationError({"birth_date": [_("The birth date cannot be in the future.")]})
    age = age_on(birth_date, today)
    if age < _rules()["MIN_SELF_REGISTRATION_AGE"] and not registered_by_guardian:
        raise ValidationError(
            {"birth_date": [_("Children under 14 can only be registered by a parent or guardian.")]}
        )
    if age < _rules()["ADULT_AGE"]:
        errors = {}
        if not guardian.name.strip():
            errors["guardian_name"] = [_("Volunteers under 18 need a guardian's name.")]
        if not guardian.relation.strip():
            errors["guardian_relation"] = [_("Say how the guardian is related to the volunteer.")]
        if not guardian.mobile.strip():
            errors["guardian_mobile"] = [_("Volunteers under 18 need a guardian's mobile number.")]
        else:
            try:
                guardian.mobile = normalize_mobile(guardian.mobile)
            except ValidationError as error:
                errors["guardian_mobile"] = error.messages
        if errors:
            raise ValidationError(errors)


def _clean_interests(interests: Iterable[str]) -> list[str]:
    interests = list(dict.fromkeys(interests or []))
    unknown = [i for i in interests if i not in ServiceCategory.values]
    if unknown:
        raise ValidationError({"interests": [_("Unknown service interest: %(name)s") % {"name": unknown[0]}]})
    return interests


def _clean_availability(availability: dict[str, list[str]] | None) -> dict[str, list[str]]:
    from civitas.accounts.models import DayPart, Weekday

    cleaned: dict[str, list[str]] = {}
    for day, parts in (availability or {}).items():
        if day not in Weekday.values or any(part not in DayPart.values for part in parts):
            raise ValidationError({"availability": [_("Availability names days and parts of the day only.")]})
        if parts:
            cleaned[day] = sorted(set(parts), key=DayPart.values.index)
    return cleaned


@transaction.atomic
def volunteer_register(
    *,
    real_name: str,
    password: str,
    mobile: str = "",
    email: str = "",
    id_type: str = "",
    id_number: str = "",
    birth_date: dt.date | None = None,
    gender: str = "",
    display_name: str = "",
    home_community: Any = None,
    skills: Iterable[Skill] = (),
    interests: Iterable[str] = (),
    availability: dict[str, list[str]] | None = None,
    languages: str = "",
    emergency_contact_name: str = "",
    emergency_contact_mobile: str = "",
    guardian: Guardian | None = None,
    registered_by_guardian: bool = False,
    language: str = "zh-hans",
    privacy_consent: bool = True,
) -> User:
    """Register a volunteer: one person, one record (mobile, email and ID are unique)."""
    guardian = guardian or Guardian()
    errors: dict[str, list[str]] = {}
    real_name = (real_name or "").strip()
    if not real_name:
        errors["real_name"] = [_("Enter your real name.")]
    elif len(real_name) > 60:
        errors["real_name"] = [_("A name has at most 60 characters.")]
    if not mobile and not email:
        errors["mobile"] = [_("Enter a mobile number or an email address, so you can sign in.")]
    if not privacy_consent:
        errors["privacy_consent"] = [_("Please read and accept the privacy notice to register.")]
    if home_community is not None and home_community.level != "community":
        errors["home_community"] = [_("Choose a community, not a larger region.")]
    for run in (
        lambda: clean_contact(mobile=mobile, email=email),
        lambda: clean_identity(id_type=id_type, id_number=id_number, birth_date=birth_date, gender=gender),
    ):
        try:
            run()
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    normalized_mobile, normalized_email = clean_contact(mobile=mobile, email=email)
    id_type, id_number, birth_date, gender = clean_identity(
        id_type=id_type, id_number=id_number, birth_date=birth_date, gender=gender
    )
    _check_age(birth_date=birth_date, guardian=guardian, registered_by_guardian=registered_by_guardian)
    interests_list = _clean_interests(interests)
    availability_map = _clean_availability(availability)
    if emergency_contact_mobile:
        try:
            emergency_contact_mobile = normalize_mobile(emergency_contact_mobile)
        except ValidationError as error:
            raise ValidationError({"emergency_contact_mobile": error.messages}) from None

    number = new_volunteer_number()
    user = User(
        username=number.lower(),
        email=normalized_email,
        mobile=normalized_mobile,
        mobile_digest=crypto.lookup_digest(normalized_mobile) if normalized_mobile else None,
        first_name=real_name[:150],
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    now = timezone.now()
    is_minor = age_on(birth_date, timezone.localdate()) < _rules()["ADULT_AGE"] if birth_date else False
    try:
        with transaction.atomic():
            user.save()
            profile = VolunteerProfile.objects.create(
                user=user,
                volunteer_number=number,
                real_name=real_name,
                display_name=(display_name or "").strip()[:60],
                id_type=id_type,
                id_number=id_number,
                id_number_digest=crypto.lookup_digest(f"{id_type}:{id_number}") if id_number else None,
                birth_date=birth_date,
                gender=gender or "",
                home_community=home_community,
                interests=interests_list,
                availability=availability_map,
                languages=(languages or "")[:120],
                emergency_contact_name=(emergency_contact_name or "")[:60],
                emergency_contact_mobile=emergency_contact_mobile,
                guardian_name=guardian.name.strip() if is_minor else "",
                guardian_relation=guardian.relation.strip() if is_minor else "",
                guardian_mobile=guardian.mobile if is_minor else "",
                guardian_consent_at=now if is_minor else None,
                registered_by_guardian=registered_by_guardian,
                privacy_consent_version=_rules()["PRIVACY_CONSENT_VERSION"],
                privacy_consent_at=now,
            )
    except IntegrityError:
        # Two registrations with the same mobile, email or ID raced; the unique digest
        # columns let exactly one of them in.
        raise ValidationError({"mobile": [_("This person is already registered.")]}) from None
    ConsentRecord.objects.create(
        user=user, version=profile.privacy_consent_version, given_at=now, by_guardian=registered_by_guardian
    )
    if skills:
        profile.skills.set(skills)
    publish("volunteer.registered", user_id=user.pk)
    return user


@transaction.atomic
def volunteer_update_profile(
    *,
    user: User,
    display_name: str | None = None,
    mobile: str | None = None,
    email: str | None = None,
    home_community: Any = None,
    skills: Iterable[Skill] | None = None,
    interests: Iterable[str] | None = None,
    availability: dict[str, list[str]] | None = None,
    languages: str | None = None,
    emergency_contact_name: str | None = None,
    emergency_contact_mobile: str | None = None,
    is_profile_public: bool | None = None,
    bio: str | None = None,
    language: str | None = None,
) -> VolunteerProfile:
    profile = VolunteerProfile.objects.select_for_update().get(user=user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if mobile is not None or email is not None:
        normalized_mobile, normalized_email = clean_contact(
            mobile=mobile if mobile is not None else user.mobile,
            email=email if email is not None else user.email,
            user=user,
        )
        if not normalized_mobile and not normalized_email:
            raise ValidationError({"mobile": [_("Keep a mobile number or an email address, so you can sign in.")]})
        user.mobile = normalized_mobile
        user.mobile_digest = crypto.lookup_digest(normalized_mobile) if normalized_mobile else None
        user.email = normalized_email
    if language is not None and language in dict(settings.LANGUAGES):
        user.language = language
    user.save()
    if home_community is not None:
        if home_community.level != "community":
            raise ValidationError({"home_community": [_("Choose a community, not a larger region.")]})
        profile.home_community = home_community
    if display_name is not None:
        profile.display_name = display_name.strip()[:60]
    if interests is not None:
        profile.interests = _clean_interests(interests)
    if availability is not None:
        profile.availability = _clean_availability(availability)
    if languages is not None:
        profile.languages = languages[:120]
    if emergency_contact_name is not None:
        profile.emergency_contact_name = emergency_contact_name[:60]
    if emergency_contact_mobile is not None:
        if emergency_contact_mobile:
            try:
                emergency_contact_mobile = normalize_mobile(emergency_contact_mobile)
            except ValidationError as error:
                raise ValidationError({"emergency_contact_mobile": error.messages}) from None
        profile.emergency_contact_mobile = emergency_contact_mobile
    if is_profile_public is not None:
        profile.is_profile_public = is_profile_public
    if bio is not None:
        profile.bio = bio[:1000]
    profile.save()
    if skills is not None:
        profile.skills.set(skills)
    return profile


def user_set_language(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": [_("Choose a language the site offers.")]})
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language


def user_create_staff(
    *, username: str, password: str, real_name: str, email: str = "", mobile: str = "", is_superuser: bool = False
) -> User:
    """A sign-in for someone who is not (yet) a volunteer, such as committee staff."""
    normalized_mobile, normalized_email = clean_contact(mobile=mobile, email=email)
    user = User(
        username=username,
        email=normalized_email,
        mobile=normalized_mobile,
        mobile_digest=crypto.lookup_digest(normalized_mobile) if normalized_mobile else None,
        first_name=real_name,
        is_staff=is_superuser,
        is_superuser=is_superuser,
    )
    user.set_password(password)
    user.save()
    return user


def api_token_issue(*, user: User) -> str:
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_digest=ApiToken.digest(key))
    return key


def api_token_revoke_all(*, user: User) -> int:
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def volunteer_merge(*, keep: User, remove: User, actor: User) -> MergeRecord:
    """Merge two records of one person: everything that points at ``remove`` moves to
    ``keep``; rows that would collide with one ``keep`` already has are left behind and
    go with the removed account. Every app's foreign keys are found through the model
    graph, so an app added later is merged without changes here.
    """
    if keep.pk == remove.pk:
        raise ValidationError({"remove": [_("Choose two different people to merge.")]})
    moved: dict[str, int] = {}
    for relation in User._meta.related_objects:
        field = relation.field
        # The audit trail names who acted; rewriting it would falsify history.
        if not isinstance(field, ForeignKey) or relation.related_model in (VolunteerProfile, MergeRecord, AuditEntry):
            continue
        model = relation.related_model
        label = f"{model._meta.label}.{field.name}"
        count = 0
        for row in model._default_manager.filter(**{field.name: remove}):
            try:
                with transaction.atomic():
                    model._default_manager.filter(pk=row.pk).update(**{field.name: keep})
                    count += 1
            except IntegrityError:
                continue
        if count:
            moved[label] = count
    removed_profile = getattr(remove, "volunteer", None)
    record = MergeRecord.objects.create(
        kept=keep,
        removed_username=remove.username,
        removed_volunteer_number=removed_profile.volunteer_number if removed_profile else "",
        moved=moved,
        actor=actor,
    )
    remove.is_active = False
    remove.email = None
    remove.mobile = ""
    remove.mobile_digest = None
    remove.username = f"merged-{remove.pk}-{secrets.token_hex(4)}"
    remove.save()
    if removed_profile is not None:
        removed_profile.id_number = ""
        removed_profile.id_number_digest = None
        removed_profile.volunteer_number = f"M{remove.pk}"[:20]
        removed_profile.save()
    audit(
        actor=actor,
        action="volunteer.merge",
        target=keep,
        details={"removed_user_id": remove.pk, "removed_username": record.removed_username,
                 "removed_volunteer_number": record.removed_volunteer_number, "moved": moved},
    )
    return record


@transaction.atomic
def volunteer_consent_update(*, user: User, version: str | None = None, by_guardian: bool = False) -> ConsentRecord:
    """The person accepts a (new) version of the privacy notice; every acceptance is kept."""
    version = version or _rules()["PRIVACY_CONSENT_VERSION"]
    profile = VolunteerProfile.objects.select_for_update().get(user=user)
    now = timezone.now()
    profile.privacy_consent_version = version
    profile.privacy_consent_at = now
    profile.save(update_fields=["privacy_consent_version", "privacy_consent_at"])
    return ConsentRecord.objects.create(user=user, version=version, given_at=now, by_guardian=by_guardian)


def personal_data_reveal(*, viewer: User, person: User) -> dict[str, str]:
    """The full ID number and phone numbers, for someone allowed to see them; every
    reveal is written to the audit trail. Answers 404 to anyone else, so an outsider
    cannot even learn whether the person exists."""
    from django.http import Http404

    from civitas.organizations.permissions import can_see_personal_data

    if not can_see_personal_data(viewer, person):
        raise Http404
    profile = getattr(person, "volunteer", None)
    data = {
        "mobile": person.mobile,
        "id_type": profile.get_id_type_display() if profile and profile.id_type else "",
        "id_number": profile.id_number if profile else "",
        "emergency_contact_mobile": profile.emergency_contact_mobile if profile else "",
        "guardian_mobile": profile.guardian_mobile if profile else "",
    }
    audit(actor=viewer, action="personal_data.view", target=person,
          details={"fields": sorted(k for k, v in data.items() if v and k != "id_type")})
    return data


# Columns never handed out, not even to their owner: secrets and the keyed digests
# that would let anyone holding them test guesses offline.
SECRET_FIELD_NAMES = {"password", "key", "key_digest", "token", "secret", "otp_secret", "throttling_failure_timestamp"}


def _is_secret(name: str) -> bool:
    return name in SECRET_FIELD_NAMES or name.endswith("_digest") or name.endswith("_hash")


def _row_data(row: Any) -> dict[str, Any]:
    from django.core.serializers.json import DjangoJSONEncoder

    data: dict[str, Any] = {}
    for field in row._meta.concrete_fields:
        if _is_secret(field.name):
            continue
        value = field.value_from_object(row)
        if isinstance(value, FieldFile):
            # An uploaded file (evidence, a cover image) is listed by its stored name.
            value = value.name or None
        data[field.attname if field.is_relation else field.name] = value
    for field in row._meta.many_to_many:
        data[field.name] = [str(item) for item in getattr(row, field.name).all()]
    # Round-trip through the encoder so dates, Decimals and UUIDs become plain JSON.
    import json

    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything Civitas keeps about one person, from every app.

    Related rows are found through the model graph (every foreign key and one-to-one
    to the user), so an app added later is exported without changes here. Secrets
    (password hash, token digests, two-factor keys) are left out.
    """
    export: dict[str, Any] = {
        "generated_at": timezone.now().isoformat(),
        "format": "civitas-personal-data/1",
        "user": _row_data(user),
    }
    for relation in User._meta.related_objects:
        field = relation.field
        model = relation.related_model
        if relation.many_to_many or model is AuditEntry:
            continue
        if field.remote_field.model is not User:
            continue
        rows = model._default_manager.filter(**{field.name: user})
        label = f"{model._meta.label}.{field.name}"
        items = [_row_data(row) for row in rows[:10000]]
        if items:
            export.setdefault("records", {})[label] = items
    actions = AuditEntry.objects.filter(actor=user).values("action", "target_type", "target_id", "created_at")[:10000]
    export["my_recorded_actions"] = [{**a, "created_at": a["created_at"].isoformat()} for a in actions]
    audit(actor=user, action="personal_data.export", target=user, details={"tables": sorted(export.get("records", {}))})
    return export


CLOSED_NAME = "已注销"


@transaction.atomic
def account_close(*, user: User, password: str) -> User:
    """Close one's own account: the person is anonymized and can no longer sign in,
    while rows that count towards the city's figures (service records, sign-ups)
    stay, pointing at the anonymous account."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(password):
        raise ValidationError({"password": [_("The password is wrong.")]})
    user.first_name = CLOSED_NAME
    user.last_name = ""
    user.email = None
    user.mobile = ""
    user.mobile_digest = None
    user.username = f"closed-{user.pk}-{secrets.token_hex(4)}"
    user.is_active = False
    user.set_unusable_password()
    user.save()
    profile = VolunteerProfile.objects.select_for_update().filter(user=user).first()
    if profile is not None:
        profile.real_name = CLOSED_NAME
        profile.display_name = ""
        profile.id_type = ""
        profile.id_number = ""
        profile.id_number_digest = None
        # Only the year stays, for age groups in the figures.
        profile.birth_date = profile.birth_date.replace(month=1, day=1) if profile.birth_date else None
        profile.emergency_contact_name = ""
        profile.emergency_contact_mobile = ""
        profile.guardian_name = ""
        profile.guardian_relation = ""
        profile.guardian_mobile = ""
        profile.languages = ""
        profile.bio = ""
        profile.availability = {}
        profile.is_profile_public = False
        profile.save()
    ApiToken.objects.filter(user=user).delete()
    from django_otp import devices_for_user

    for device in devices_for_user(user, confirmed=None):
        device.delete()
    audit(actor=user, action="account.close", target=user)
    from civitas.core.events import publish

    publish("account.closed", user_id=user.pk)
    return user
