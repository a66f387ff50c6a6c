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

    # Single-column indexes are left out where a composite index below starts with the
    # column, and nullable references are indexed only where set: the ledger is the
    # biggest table (30 million rows in a city of ten million) and every index is paid
    # for on each write.
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_records", verbose_name=_("volunteer"),
        db_index=False,
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="service_records",
        verbose_name=_("crediting organization"), db_index=False,
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
        verbose_name=_("shift"), db_index=False,
    )
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"))
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=2)
    source = models.CharField(_("source"), max_length=20, choices=RecordSource.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=RecordStatus.choices, default=RecordStatus.PENDING
    )
    review_level = models.CharField(
        _("reviewed by"), max_length=20, choices=ReviewLevel.choices, default=ReviewLevel.ORGANIZATION
    )
    flags = models.JSONField(_("rules flagged"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections",
        verbose_name=_("corrects"), db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("approver"), db_index=False,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
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
            models.Index(fields=["shift", "status"], condition=Q(shift__isnull=False), name="ledger_record_shift_idx"),
            models.Index(fields=["status", "review_level"]),
            models.Index(fields=["corrects"], condition=Q(corrects__isnull=False), name="ledger_record_corrects_idx"),
            models.Index(fields=["created_by"], condition=Q(created_by__isnull=False), name="ledger_record_creator_idx"),
            models.Index(fields=["decided_by"], condition=Q(decided_by__isnull=False), name="ledger_record_approver_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ended_at__gte=models.F("started_at")), name="record_ends_after_start"),
            models.UniqueConstraint(
                fields=["idempotency_key"], condition=Q(idempotency_key__isnull=False), name="ledger_record_idempotency_key"
            ),
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


class RecordEvent(models.Model):
    """Every step of a record's life (proposed, approved, rejected, corrected, appealed):
    who took it, when and why. Written in the same transaction as the step."""

    record = models.ForeignKey(ServiceRecord, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class LedgerHead(models.Model):
    """The end of the hash chain: one row, locked by every approval so two approvals at
    once queue instead of forking the chain, and kept so that deleting the newest
    entries is detectable too."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, blank=True)


class HoursRollup(models.Model):
    """Approved hours per organization, month and source, for leaders' figures.

    Kept in the same transaction as every approval and correction (``F()`` upserts in
    ``ledger.services``), so dashboards read these rows instead of scanning the ledger.
    Fields: ``organization``; ``region`` (the organization's region when the hours were
    approved: sum over ``region__path__startswith`` for a district or the city);
    ``month`` (the first day of the local month in which the service *started*);
    ``source`` (a ``RecordSource`` value); ``hours`` (signed sum: corrections that take
    hours back lower it); ``approved_records`` (approved entries, corrections not
    counted). ``manage.py rebuild_totals`` recomputes them from the ledger.
    """

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey("organizations.Region", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    source = models.CharField(max_length=20, choices=RecordSource.choices)
    hours = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    approved_records = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "region", "month", "source"], name="one_rollup_per_month")
        ]
        indexes = [models.Index(fields=["region", "month"]), models.Index(fields=["month"])]


class AppealKind(models.TextChoices):
    REJECTED_RECORD = "rejected_record", _("Appeal against a rejected record")
    MISSING_HOURS = "missing_hours", _("Missing hours")


class AppealLevel(models.TextChoices):
    ORGANIZATION = "organization", _("Organization")
    COMMITTEE = "committee", _("District committee")
    CITY = "city", _("City committee")


class AppealStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class Appeal(models.Model):
    """A volunteer's one appeal against a rejected record, or one report of hours that
    were never recorded. It goes to the level above the one that decided, and is
    answered with a reason; upholding it credits the hours through the ledger."""

    kind = models.CharField(_("kind"), max_length=20, choices=AppealKind.choices)
    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hour_appeals")
    record = models.OneToOneField(
        ServiceRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="appeal",
        verbose_name=_("record"),
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    region = models.ForeignKey("organizations.Region", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    shift = models.ForeignKey(
        "projects.Shift", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("shift")
    )
    started_at = models.DateTimeField(_("from"), null=True, blank=True)
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("reason"))
    level = models.CharField(_("decided by"), max_length=20, choices=AppealLevel.choices)
    status = models.CharField(_("status"), max_length=20, choices=AppealStatus.choices, default=AppealStatus.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    resulting_record = models.ForeignKey(
        ServiceRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "shift"], condition=Q(kind="missing_hours", shift__isnull=False),
                name="one_missing_hours_report_per_shift",
            ),
        ]
        indexes = [models.Index(fields=["status", "level"])]


class Certificate(models.Model):
    """A signed service-record certificate for a period.

    ``payload`` is the canonical JSON that was signed (Ed25519, ``signature`` in
    base64); anyone can check it offline with the key at /certificates/public-key.pem.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    hours = models.DecimalField(_("hours"), max_digits=9, decimal_places=2)
    organizations = models.JSONField(_("organizations"), default=list)
    projects = models.JSONField(_("projects"), default=list)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    payload = models.TextField(editable=False)
    signature = models.TextField(editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revoked_reason = models.TextField(_("reason for revoking"), blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.code

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
