from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civitas.core.fields import EncryptedTextField


class Kind(models.TextChoices):
    """What a message is about; people choose channels per kind."""

    SIGNUP = "signup", _("Sign-up confirmed, waitlisted or promoted")
    SIGNUP_CANCELLED = "signup_cancelled", _("Sign-up or shift cancelled")
    REMINDER = "reminder", _("Shift reminders")
    HOURS = "hours", _("Service hours approved or rejected")
    HONORS = "honors", _("Star levels and certificates")
    APPROVALS = "approvals", _("Organization and project approvals")
    MEMBERSHIP = "membership", _("Membership decisions")
    COMMENT_REPLY = "comment_reply", _("Replies to my comments")
    SUBMISSION = "submission", _("Online task reviews")
    ORGANIZER = "organizer", _("Messages from organizers")


class Channel(models.TextChoices):
    INBOX = "inbox", _("Inbox")
    EMAIL = "email", pgettext_lazy("channel", "Email")
    SMS = "sms", _("SMS")


# Channels a kind uses until the person chooses otherwise; SMS is kept for what is urgent.
DEFAULT_CHANNELS: dict[str, tuple[str, ...]] = {
    Kind.SIGNUP: ("inbox", "email"),
    Kind.SIGNUP_CANCELLED: ("inbox", "email", "sms"),
    Kind.REMINDER: ("inbox", "email", "sms"),
    Kind.HOURS: ("inbox", "email"),
    Kind.HONORS: ("inbox", "email"),
    Kind.APPROVALS: ("inbox", "email"),
    Kind.MEMBERSHIP: ("inbox", "email"),
    Kind.COMMENT_REPLY: ("email",),
    Kind.SUBMISSION: ("inbox", "email"),
    Kind.ORGANIZER: ("inbox", "email"),
}
# A kind may be limited to some channels whatever the person chooses (comment replies are
# email only: the comment lives on a public page, the inbox is for one's own affairs).
ALLOWED_CHANNELS: dict[str, tuple[str, ...]] = {Kind.COMMENT_REPLY: ("email",)}


def allowed_channels(kind: str) -> tuple[str, ...]:
    return ALLOWED_CHANNELS.get(kind, tuple(Channel.values))


class NotificationSettings(models.Model):
    """One person's choices: channels per kind, addresses, quiet hours for SMS."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    channels = models.JSONField(_("channels per kind"), default=dict, blank=True)
    email = models.EmailField(_("email for notices"), blank=True)
    mobile = EncryptedTextField(_("mobile for SMS"), blank=True, default="")
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    email_unsubscribed_at = models.DateTimeField(_("unsubscribed from all email"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user)

    def channels_for(self, kind: str) -> tuple[str, ...]:
        chosen = self.channels.get(kind)
        base = DEFAULT_CHANNELS.get(kind, ("inbox",)) if chosen is None else tuple(chosen)
        allowed = allowed_channels(kind)
        picked = tuple(c for c in base if c in allowed)
        if self.email_unsubscribed_at is not None:
            picked = tuple(c for c in picked if c != Channel.EMAIL)
        return picked

    def in_quiet_hours(self, moment: dt.datetime) -> bool:
        if self.quiet_start is None or self.quiet_end is None or self.quiet_start == self.quiet_end:
            return False
        local = timezone.localtime(moment).time()
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= local < self.quiet_end
        return local >= self.quiet_start or local < self.quiet_end

    def quiet_hours_end(self, moment: dt.datetime) -> dt.datetime:
        """The first moment after ``moment`` outside quiet hours."""
        assert self.quiet_end is not None
        local = timezone.localtime(moment)
        end = local.replace(hour=self.quiet_end.hour, minute=self.quiet_end.minute, second=0, microsecond=0)
        if end <= local:
            end += dt.timedelta(days=1)
        return end


class Message(models.Model):
    """One notice to one person, written in their language when it was made."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    in_inbox = models.BooleanField(_("shown in the inbox"), default=True)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("sender")
    )
    broadcast = models.ForeignKey(
        "notifications.Broadcast", on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["recipient", "in_inbox", "-created_at"]),
            models.Index(
                fields=["recipient"], condition=Q(in_inbox=True, read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent")


class Delivery(models.Model):
    """A message on its way through one outside channel (email or SMS), retried with backoff."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("message"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["message", "channel"], name="one_delivery_per_channel")]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address}"


class ReminderKind(models.TextChoices):
    DAY_BEFORE = "24h", _("24 hours before")
    HOURS_BEFORE = "2h", _("2 hours before")


REMINDER_OFFSETS: dict[str, dt.timedelta] = {ReminderKind.DAY_BEFORE: dt.timedelta(hours=24), ReminderKind.HOURS_BEFORE: dt.timedelta(hours=2)}


class ReminderStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CLAIMED = "claimed", _("Being sent")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


class Reminder(models.Model):
    """A reminder that is due at a time; the unique pair makes it exist, and go out, once."""

    signup = models.ForeignKey("projects.SignUp", on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=5, choices=ReminderKind.choices)
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.SCHEDULED
    )
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [models.UniqueConstraint(fields=["signup", "kind"], name="one_reminder_per_signup_kind")]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.signup_id} · {self.kind}"


class Audience(models.TextChoices):
    SHIFT = "shift", _("Everyone on a shift's roster")
    PROJECT = "project", _("A project's volunteers")


class Broadcast(models.Model):
    """An organizer's message to a roster; kept so the hourly limit can be counted."""

    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sender"))
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    shift = models.ForeignKey("projects.Shift", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("message"), max_length=2000)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("organizer message")
        verbose_name_plural = _("organizer messages")
        indexes = [models.Index(fields=["sender", "created_at"])]

    def __str__(self) -> str:
        return self.subject
