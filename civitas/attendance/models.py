from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CheckMethod(models.TextChoices):
    SHIFT_QR = "shift_qr", _("Scanned the shift's code")
    PERSONAL_QR = "personal_qr", _("Organizer scanned the volunteer's code")
    ROSTER = "roster", _("Ticked on the roster")
    KIOSK = "kiosk", _("Kiosk")
    AUTOMATIC = "automatic", _("Closed automatically")


class Attendance(models.Model):
    """One volunteer's presence at one shift: checked in, then out. The unique pair
    (shift, volunteer) is what makes a double tap or a replay count once."""

    shift = models.ForeignKey("projects.Shift", on_delete=models.CASCADE, related_name="attendances", verbose_name=_("shift"))
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("volunteer")
    )
    checked_in_at = models.DateTimeField(_("checked in"))
    check_in_method = models.CharField(_("checked in by"), max_length=20, choices=CheckMethod.choices)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    check_out_method = models.CharField(_("checked out by"), max_length=20, choices=CheckMethod.choices, blank=True)
    record = models.ForeignKey(
        "ledger.ServiceRecord", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("service record"),
    )
    flags = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["checked_in_at", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["shift", "volunteer"], name="one_attendance_per_shift")]
        indexes = [models.Index(fields=["volunteer", "checked_out_at"])]

    @property
    def is_open(self) -> bool:
        return self.checked_out_at is None


class EventKind(models.TextChoices):
    CHECK_IN = "check_in", _("Check-in")
    CHECK_OUT = "check_out", _("Check-out")


class AttendanceEvent(models.Model):
    """Every check-in or check-out request, keyed by the idempotency key the device
    sent: a repeated scan or a replayed kiosk queue finds its event and answers the
    same result instead of counting again."""

    idempotency_key = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    method = models.CharField(max_length=20, choices=CheckMethod.choices)
    shift = models.ForeignKey("projects.Shift", on_delete=models.CASCADE, related_name="+")
    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    is_effective = models.BooleanField(default=False, help_text="false when it repeated what was already done")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(default=timezone.now)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    distance_m = models.PositiveIntegerField(null=True, blank=True)
    override_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]
