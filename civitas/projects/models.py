from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.accounts.models import ServiceCategory


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")
    REJECTED = "rejected", _("Rejected")
    RECRUITING = "recruiting", _("Recruiting")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    EVALUATED = "evaluated", _("Evaluated")


class Project(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="projects", verbose_name=_("organization")
    )
    region = models.ForeignKey(
        "organizations.Region", on_delete=models.PROTECT, related_name="projects", verbose_name=_("region")
    )
    title = models.CharField(_("title"), max_length=150)
    title_en = models.CharField(_("English title"), max_length=150, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)  # sanitized HTML
    category = models.CharField(_("category"), max_length=30, choices=ServiceCategory.choices, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT, db_index=True
    )
    place_name = models.CharField(_("place"), max_length=150, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    beneficiary_kind = models.CharField(_("beneficiaries"), max_length=100, blank=True)
    beneficiary_count = models.PositiveIntegerField(_("number of beneficiaries"), default=0)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2, default=0)
    cover_image = models.ImageField(_("cover image"), upload_to="projects/covers/%Y/%m/", blank=True)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    insurer = models.CharField(_("insurer"), max_length=100, blank=True)
    insurance_policy = models.CharField(_("insurance policy number"), max_length=60, blank=True)
    insurance_starts_on = models.DateField(_("insurance from"), null=True, blank=True)
    insurance_ends_on = models.DateField(_("insurance until"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    evaluation_summary = models.TextField(_("evaluation"), blank=True)
    people_served = models.PositiveIntegerField(_("people served"), default=0)
    search_text = models.TextField(blank=True, editable=False)  # words, pinyin and English, for search
    # the search text's pairs of Chinese characters, space-separated, that PostgreSQL indexes (migration 0004)
    search_bigrams = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(fields=["status", "category"]),
            models.Index(fields=["region", "status"]),
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["latitude", "longitude"]),
            # newest first: a search reads each relevance tier in this order and stops at a page
            models.Index(fields=["created_at", "id"], name="project_created_idx"),
        ]
        constraints = [
            # selectors.visible_projects names the statuses a project is hidden in; any other is public
            models.CheckConstraint(condition=models.Q(status__in=ProjectStatus.values), name="project_status_known"),
        ]

    def __str__(self) -> str:
        from civitas.core.text import localized

        return localized(self, "title")


class ProjectEvent(models.Model):
    """Every step of a project's life: who took it, when and why."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=20, choices=ProjectStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ProjectStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class ShiftStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CANCELLED = "cancelled", _("Cancelled")


class WaitlistMode(models.TextChoices):
    AUTOMATIC = "automatic", _("Move up automatically")
    OFFER = "offer", _("Offer the place by a link that expires")


class Shift(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("project"))
    title = models.CharField(_("title"), max_length=150, blank=True)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    place_name = models.CharField(_("place"), max_length=150, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    geofence_radius_m = models.PositiveIntegerField(_("check-in radius (metres)"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    # Places held: confirmed, offered (held while the offer runs), attended and no-show.
    confirmed_count = models.PositiveIntegerField(_("confirmed"), default=0)
    waitlisted_count = models.PositiveIntegerField(_("waitlisted"), default=0)
    pending_count = models.PositiveIntegerField(_("pending"), default=0)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    skills = models.ManyToManyField("accounts.Skill", blank=True, related_name="shifts", verbose_name=_("skills needed"))
    qualifications = models.ManyToManyField(
        "accounts.Qualification", blank=True, related_name="shifts", verbose_name=_("qualifications needed")
    )
    requires_approval = models.BooleanField(_("sign-ups need approval"), default=False)
    requires_insurance = models.BooleanField(_("needs accident insurance"), default=False)
    signup_deadline = models.DateTimeField(_("sign-up deadline"), null=True, blank=True)
    cancellation_cutoff_hours = models.PositiveSmallIntegerField(_("no cancelling within (hours)"), default=2)
    hours_credited = models.DecimalField(_("hours credited"), max_digits=5, decimal_places=2)
    waitlist_mode = models.CharField(
        _("waitlist"), max_length=20, choices=WaitlistMode.choices, default=WaitlistMode.AUTOMATIC
    )
    # None: as long as needed; 0: no waitlist, a full shift refuses sign-ups.
    waitlist_limit = models.PositiveIntegerField(_("waitlist places"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ShiftStatus.choices, default=ShiftStatus.OPEN)
    cancelled_reason = models.TextField(_("reason for cancelling"), blank=True)
    series = models.UUIDField(null=True, blank=True, db_index=True, help_text="shifts made together as a weekly series")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"),
            models.CheckConstraint(condition=Q(confirmed_count__lte=models.F("capacity")), name="shift_never_overbooked"),
        ]
        indexes = [models.Index(fields=["project", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.project} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.confirmed_count, 0)


class SignUpStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waitlist")
    OFFERED = "offered", _("Place offered")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Not accepted")
    NO_SHOW = "no_show", _("Did not come")
    ATTENDED = "attended", _("Attended")


ACTIVE_SIGNUP_STATUSES = (
    SignUpStatus.PENDING,
    SignUpStatus.CONFIRMED,
    SignUpStatus.WAITLISTED,
    SignUpStatus.OFFERED,
)


class SignUp(models.Model):
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="signups", verbose_name=_("shift"))
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signups", verbose_name=_("volunteer")
    )
    status = models.CharField(_("status"), max_length=20, choices=SignUpStatus.choices, db_index=True)
    waitlist_position = models.PositiveIntegerField(_("waitlist position"), null=True, blank=True)
    offer_token = models.UUIDField(null=True, blank=True, unique=True, default=None)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("signed up"), default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                condition=Q(status__in=["pending", "confirmed", "waitlisted", "offered"]),
                name="one_active_signup_per_shift",
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "status"]), models.Index(fields=["shift", "status"])]

    def __str__(self) -> str:
        return f"{self.volunteer} → {self.shift}"


def new_offer_token() -> uuid.UUID:
    return uuid.uuid4()


class CalendarToken(models.Model):
    """The secret in a volunteer's personal calendar URL; revoking it kills the old URL."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"])]
