from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RecordSource(models.TextChoices):
    ATTENDANCE = "attendance", _("Attendance")
    MANUAL = "manual", _("Entered by staff")
    ONLINE = "online", _("Online service")
    TRAINING = "training", _("Training")
    IMPORT = "import", _("Imported")


class RecordStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ReviewLevel(models.TextChoices):
    ORGANIZATION = "organization", _("Organization")
    COMMITTEE = "committee", _("Committee")


class ServiceRecord(models.Model):
    """One entry of the service-hours ledger.

    Approved entries never change; a correction is a new entry pointing at the one it
    corrects (``corrects``) with signed hours. Approved entries form a hash chain
    (``sequence``, ``previous_hash``, ``entry_hash``) so that a change made behind the
    application's back is detectable (``manage.py verify_ledger``).
    """

    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_records", verbose_name=_("volunteer")
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="service_records",
        verbose_name=_("crediting organization"),
    )
    region = models.ForeignKey(
        "organizations.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"),
        help_text="the organization's region when the entry was made, for rollups",
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="service_records",
        verbose_name=_("project"),
    )
    shift = models.ForeignKey(
        "projects.Shift", on_delete=models.PROTECT, null=True, blank=True, related_name="service_records",
        verbose_name=_("shift"),
    )
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"))
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=2)
    source = models.CharField(_("source"), max_length=20, choices=RecordSource.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=RecordStatus.choices, default=RecordStatus.PENDING, db_index=True
    )
    review_level = models.CharField(
        _("reviewed by"), max_length=20, choices=ReviewLevel.choices, default=ReviewLevel.ORGANIZATION
    )
    flags = models.JSONField(_("rules flagged"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections",
        verbose_name=_("corrects"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("approver"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    sequence = models.PositiveBigIntegerField(unique=True, null=True, blank=True, editable=False)
    previous_hash = models.CharField(max_length=64, blank=True, editable=False)
    entry_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        indexes = [
            models.Index(fields=["volunteer", "started_at"]),
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["shift", "status"]),
            models.Index(fields=["status", "review_level"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ended_at__gte=models.F("started_at")), name="record_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.hours}h · {self.get_status_display()}"


class VolunteerTotals(models.Model):
    """A volunteer's figures, kept in step with the ledger on every write."""

    volunteer = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hours_totals")
    total_hours = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0"))
    year = models.PositiveSmallIntegerField(default=0)
    year_hours = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0"))
    approved_records = models.PositiveIntegerField(default=0)
    star_level = models.PositiveSmallIntegerField(default=0)
    last_served_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("volunteer totals")
        verbose_name_plural = _("volunteer totals")


class StarLevelEvent(models.Model):
    """A star level reached (or taken back by a correction), dated."""

    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="star_events")
    level = models.PositiveSmallIntegerField()
    reached_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["reached_at", "id"]
