from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core.fields import EncryptedTextField
from civitas.core.masking import mask_id_number, mask_mobile


class CivitasUserManager(UserManager["User"]):
    pass


class User(AbstractUser):
    """Anyone who signs in: volunteers, organization staff, committee staff, auditors.

    What a user may do comes from their volunteer profile, memberships (organization
    staff) and committee assignments (committee staff and auditors), not from flags here.
    """

    email = models.EmailField(_("email"), unique=True, null=True, blank=True)
    mobile = EncryptedTextField(_("mobile"), blank=True, default="")
    mobile_digest = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans")

    objects = CivitasUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        profile = getattr(self, "volunteer", None)
        return profile.real_name if profile else self.username

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    UNSPECIFIED = "", _("Not given")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Mainland resident ID")
    HK_MACAO_PERMIT = "hk_macao_permit", _("Hong Kong / Macao travel permit")
    TAIWAN_PERMIT = "taiwan_permit", _("Taiwan travel permit")
    PASSPORT = "passport", _("Passport")
    FOREIGNER_PERMIT = "foreigner_permit", _("Foreigner's permanent residence ID")


class ServiceCategory(models.TextChoices):
    """What a project serves; volunteers name their interests in the same words."""

    COMMUNITY = "community", _("Community service")
    ELDERLY_DISABLED = "elderly_disabled", _("Elderly and disabled care")
    CHILDREN_EDUCATION = "children_education", _("Children and education")
    ENVIRONMENT = "environment", _("Environmental protection")
    CIVILIZED_TRAFFIC = "civilized_traffic", _("Civilized traffic")
    CULTURE_SPORTS = "culture_sports", _("Culture and sports events")
    HEALTH = "health", _("Health")
    EMERGENCY = "emergency", _("Emergency relief")
    RURAL = "rural", _("Rural revitalization")
    LEGAL_AID = "legal_aid", _("Legal aid")
    NETWORK_CIVILIZATION = "network_civilization", _("Network civilization")
    OTHER = "other", _("Other")


class Weekday(models.TextChoices):
    MON = "mon", _("Monday")
    TUE = "tue", _("Tuesday")
    WED = "wed", _("Wednesday")
    THU = "thu", _("Thursday")
    FRI = "fri", _("Friday")
    SAT = "sat", _("Saturday")
    SUN = "sun", _("Sunday")


class DayPart(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Evening")


class Skill(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        from civitas.core.text import localized

        return localized(self)


class VolunteerProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="volunteer", verbose_name=_("user"))
    volunteer_number = models.CharField(_("volunteer number"), max_length=20, unique=True)
    real_name = models.CharField(_("real name"), max_length=60)
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    id_type = models.CharField(_("ID type"), max_length=20, choices=IdType.choices, blank=True)
    id_number = EncryptedTextField(_("ID number"), blank=True, default="")
    id_number_digest = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    home_community = models.ForeignKey(
        "organizations.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("home community"),
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="volunteers", verbose_name=_("skills"))
    interests = models.JSONField(_("service interests"), default=list, blank=True)
    availability = models.JSONField(_("weekly availability"), default=dict, blank=True)
    languages = models.CharField(_("languages spoken"), max_length=120, blank=True)
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=60, blank=True)
    emergency_contact_mobile = EncryptedTextField(_("emergency contact mobile"), blank=True, default="")
    guardian_name = models.CharField(_("guardian's name"), max_length=60, blank=True)
    guardian_relation = models.CharField(_("guardian's relation"), max_length=30, blank=True)
    guardian_mobile = EncryptedTextField(_("guardian's mobile"), blank=True, default="")
    guardian_consent_at = models.DateTimeField(_("guardian consent given"), null=True, blank=True)
    registered_by_guardian = models.BooleanField(_("registered by a guardian"), default=False)
    privacy_consent_version = models.CharField(_("privacy consent version"), max_length=20)
    privacy_consent_at = models.DateTimeField(_("privacy consent given"))
    is_profile_public = models.BooleanField(_("public profile"), default=False)
    bio = models.TextField(_("about me"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("registered"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        indexes = [models.Index(fields=["home_community", "created_at"])]

    def __str__(self) -> str:
        return f"{self.real_name} ({self.volunteer_number})"

    @property
    def public_name(self) -> str:
        return self.display_name or self.real_name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    @staticmethod
    def digest(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class MergeRecord(models.Model):
    """Two records of one person merged into one, kept for the audit trail."""

    kept = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    removed_username = models.CharField(max_length=150)
    removed_volunteer_number = models.CharField(max_length=20, blank=True)
    moved = models.JSONField(default=dict)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)


class Qualification(models.Model):
    """Something a volunteer can be qualified for (usually by passing a training course);
    shifts and online tasks can require it."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    valid_days = models.PositiveIntegerField(_("valid for (days)"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")

    def __str__(self) -> str:
        from civitas.core.text import localized

        return localized(self)


class VolunteerQualification(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="qualifications")
    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="holders")
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=120, blank=True, help_text="what granted it, such as a course")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "qualification"], name="one_row_per_qualification")]
        verbose_name = _("volunteer qualification")
        verbose_name_plural = _("volunteer qualifications")


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit trail is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit trail is append-only.")


class AuditEntry(models.Model):
    """One sensitive action: who did what to which object, from where, when.

    Append-only: the application never updates or deletes a row (save() refuses an
    existing row, the queryset refuses bulk update and delete), and the admin is
    read-only. ``region_path`` copies the path of the region the target belongs to, so
    an auditor reads exactly the trail of their region with one indexed prefix filter.
    """

    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("actor")
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target"), max_length=64, blank=True)
    target_label = models.CharField(_("target name"), max_length=200, blank=True)
    region_path = models.CharField(_("region"), max_length=100, blank=True, db_index=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [models.Index(fields=["region_path", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_type}#{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit trail is append-only.")


class ConsentRecord(models.Model):
    """Each privacy consent a person gave, with the version of the notice they read."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents", verbose_name=_("user"))
    version = models.CharField(_("privacy consent version"), max_length=20)
    given_at = models.DateTimeField(_("privacy consent given"), default=timezone.now)
    by_guardian = models.BooleanField(_("given by a guardian"), default=False)

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = _("privacy consent")
        verbose_name_plural = _("privacy consents")
