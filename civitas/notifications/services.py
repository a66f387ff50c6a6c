"""Writes: notices, preferences, reading, retrying, organizer messages.

Nothing here talks to a mail server or an SMS provider: a notice becomes a Message row
(the inbox) and Delivery rows (email, SMS) whose sending is queued after commit, so a
web request never waits for a provider.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from civitas.accounts.audit import audit
from civitas.core.errors import RateLimited
from civitas.core.identity import normalize_mobile
from civitas.notifications.models import (
    Audience,
    Broadcast,
    Channel,
    Delivery,
    DeliveryStatus,
    Kind,
    Message,
    NotificationSettings,
    allowed_channels,
)
from civitas.organizations.permissions import can_manage_organization, is_city_staff

UNSUBSCRIBE_SALT = "civitas.notifications.unsubscribe"
ALL_EMAIL = "all"


def config(name: str) -> Any:
    return settings.NOTIFICATIONS[name]


def settings_for(user: Any) -> NotificationSettings:
    """The person's choices; an unsaved default row when they never chose."""
    found = NotificationSettings.objects.filter(user=user).first()
    return found or NotificationSettings(user=user)


def email_address(user: Any, choices: NotificationSettings) -> str:
    return choices.email or user.email or ""


def mobile_number(user: Any, choices: NotificationSettings) -> str:
    return choices.mobile or user.mobile or ""


def enqueue_delivery(delivery_id: int) -> None:
    from civitas.notifications.tasks import deliver

    deliver.enqueue(delivery_id)


def notify(
    *,
    recipient: Any,
    kind: str,
    render: Callable[[], tuple[str, str, str]],
    sender: Any = None,
    broadcast: Broadcast | None = None,
    choices: NotificationSettings | None = None,
) -> Message | None:
    """Write one notice to ``recipient`` in their language, on the channels they chose.

    ``render`` returns (subject, body, link) and runs under the recipient's language.
    ``choices``: the recipient's settings when the caller read them already.
    Answers None when the person takes this kind of notice on no channel at all.
    """
    if not recipient.is_active:
        return None
    if choices is None:
        choices = settings_for(recipient)
    channels = choices.channels_for(kind)
    addresses: dict[str, str] = {}
    if Channel.EMAIL in channels and email_address(recipient, choices):
        addresses[Channel.EMAIL] = email_address(recipient, choices)
    if Channel.SMS in channels and mobile_number(recipient, choices):
        addresses[Channel.SMS] = mobile_number(recipient, choices)
    in_inbox = Channel.INBOX in channels
    if not in_inbox and not addresses:
        return None
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        subject, body, url = render()
    with transaction.atomic():
        message = Message.objects.create(
            recipient=recipient, kind=kind, subject=subject[:200], body=body, url=url,
            in_inbox=in_inbox, sender=sender, broadcast=broadcast,
        )
        deliveries = Delivery.objects.bulk_create(
            [Delivery(message=message, channel=channel, address=address) for channel, address in addresses.items()]
        )
        for delivery in deliveries:
            transaction.on_commit(partial(enqueue_delivery, delivery.pk), robust=True)
    return message


# --- Preferences ------------------------------------------------------------------------


def preferences_update(
    *,
    user: Any,
    channels: dict[str, list[str]],
    email: str = "",
    mobile: str = "",
    quiet_start: dt.time | None = None,
    quiet_end: dt.time | None = None,
    email_subscribed: bool = True,
) -> NotificationSettings:
    errors: dict[str, list[str]] = {}
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Enter a valid email address.")]
    mobile = (mobile or "").strip()
    if mobile:
        try:
            mobile = normalize_mobile(mobile)
        except ValidationError as error:
            errors["mobile"] = error.messages
    if (quiet_start is None) != (quiet_end is None):
        errors["quiet_end"] = [_("Give both the start and the end of the quiet hours, or neither.")]
    cleaned: dict[str, list[str]] = {}
    for kind, chosen in channels.items():
        if kind not in Kind.values:
            errors.setdefault("channels", []).append(_("Unknown kind of message."))
            continue
        allowed = allowed_channels(kind)
        cleaned[kind] = [c for c in Channel.values if c in chosen and c in allowed]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row, _created = NotificationSettings.objects.select_for_update().get_or_create(user=user)
        row.channels = {**row.channels, **cleaned}
        row.email = email
        row.mobile = mobile
        row.quiet_start = quiet_start
        row.quiet_end = quiet_end
        if email_subscribed:
            row.email_unsubscribed_at = None
        elif row.email_unsubscribed_at is None:
            row.email_unsubscribed_at = timezone.now()
        row.save()
    return row


def unsubscribe_token(*, user: Any, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    kind = data.get("k")
    if kind != ALL_EMAIL and kind not in Kind.values:
        return None
    return data["u"], kind


def unsubscribe(*, user: Any, kind: str) -> NotificationSettings:
    """Stop email of one kind (or all email). Pending email deliveries are dropped too."""
    with transaction.atomic():
        row, _created = NotificationSettings.objects.select_for_update().get_or_create(user=user)
        if kind == ALL_EMAIL:
            row.email_unsubscribed_at = row.email_unsubscribed_at or timezone.now()
        else:
            row.channels[kind] = [c for c in row.channels_for(kind) if c != Channel.EMAIL]
        row.save()
        pending = Delivery.objects.filter(
            message__recipient=user, channel=Channel.EMAIL, status=DeliveryStatus.PENDING
        )
        if kind != ALL_EMAIL:
            pending = pending.filter(message__kind=kind)
        pending.update(status=DeliveryStatus.SKIPPED, last_error="unsubscribed")
    return row


def account_forget(*, user: Any) -> None:
    """A closed account keeps its inbox history but no address to reach it by: the
    addresses given for notices, those copied onto deliveries, and anything not yet sent."""
    from civitas.notifications.models import Reminder, ReminderStatus

    with transaction.atomic():
        NotificationSettings.objects.filter(user=user).update(email="", mobile="")
        deliveries = Delivery.objects.filter(message__recipient=user)
        deliveries.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]).update(
            status=DeliveryStatus.SKIPPED, last_error="account closed", claimed_until=None
        )
        deliveries.exclude(status=DeliveryStatus.SENDING).update(address="")
        Reminder.objects.filter(signup__volunteer=user, status=ReminderStatus.SCHEDULED).update(
            status=ReminderStatus.CANCELLED
        )


# --- Inbox ------------------------------------------------------------------------------


def message_mark_read(*, message: Message, user: Any) -> Message:
    if message.recipient_id != user.pk:
        raise PermissionDenied
    if message.read_at is None:
        message.read_at = timezone.now()
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=message.read_at)
    return message


def messages_mark_all_read(*, user: Any) -> int:
    return Message.objects.filter(recipient=user, in_inbox=True, read_at__isnull=True).update(read_at=timezone.now())


# --- Failed deliveries ------------------------------------------------------------------


def can_see_deliveries(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or is_city_staff(user)))


def delivery_retry(*, delivery: Delivery, actor: Any) -> Delivery:
    """Staff send a failed delivery again: a fresh set of attempts, starting now."""
    if not can_see_deliveries(actor):
        raise PermissionDenied
    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_until=None
        )
        if updated:
            transaction.on_commit(lambda: enqueue_delivery(delivery.pk), robust=True)
    delivery.refresh_from_db()
    return delivery


# --- Organizer messages -----------------------------------------------------------------


def broadcast_recipients(*, project: Any, shift: Any = None) -> Any:
    """The people an organizer may write to: confirmed (or attended) on the shift or project."""
    from civitas.accounts.models import User

    signups = {"signups__status__in": ["confirmed", "attended"]}
    if shift is not None:
        signups["signups__shift"] = shift
    else:
        signups["signups__shift__project"] = project
    return User.objects.filter(is_active=True, **signups).distinct()


def broadcast_check(*, sender: Any, project: Any) -> None:
    if not can_manage_organization(sender, project.organization):
        raise PermissionDenied(_("Only the organization's staff may write to its volunteers."))
    limit = config("ORGANIZER_MESSAGES_PER_HOUR")
    since = timezone.now() - dt.timedelta(hours=1)
    if Broadcast.objects.filter(sender=sender, created_at__gte=since).count() >= limit:
        raise RateLimited(
            _("You may send %(limit)s messages an hour; please wait before sending another.") % {"limit": limit}
        )


def broadcast_send(*, sender: Any, project: Any, shift: Any = None, subject: str, body: str) -> Broadcast:
    """Record the organizer's message and queue its fan-out; answers at once."""
    subject, body = (subject or "").strip(), (body or "").strip()
    errors: dict[str, list[str]] = {}
    if not subject:
        errors["subject"] = [_("Give the message a subject.")]
    if not body:
        errors["body"] = [_("Write the message.")]
    if len(body) > 2000:
        errors["body"] = [_("Keep the message under 2000 characters.")]
    if shift is not None and shift.project_id != project.pk:
        errors["shift"] = [_("This shift is not part of the project.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The lock makes two quick sends by one organizer count against the limit in turn.
        get_user_model().objects.select_for_update().filter(pk=sender.pk).first()
        broadcast_check(sender=sender, project=project)
        count = broadcast_recipients(project=project, shift=shift).count()
        if count == 0:
            raise ValidationError({"__all__": [_("Nobody is on this roster yet.")]})
        broadcast = Broadcast.objects.create(
            sender=sender, organization=project.organization,
            audience=Audience.SHIFT if shift is not None else Audience.PROJECT,
            project=project, shift=shift, subject=subject, body=body, recipient_count=count,
        )
        # A mass message reaches people's phones and mailboxes: the trail keeps who wrote to how many.
        audit(
            actor=sender, action="organizer_message.send", target=broadcast,
            details={"project": project.pk, "shift": shift.pk if shift is not None else None, "recipients": count},
        )

        def fan_out() -> None:
            from civitas.notifications.tasks import broadcast_fan_out

            broadcast_fan_out.enqueue(broadcast.pk)

        transaction.on_commit(fan_out, robust=True)
    return broadcast


def broadcast_deliver(*, broadcast: Broadcast) -> int:
    """Write one notice per recipient (run by a task, not by the request)."""
    from civitas.notifications.content import organizer_message

    url = reverse("projects:detail", args=[broadcast.project_id])
    already = set(broadcast.messages.values_list("recipient_id", flat=True))
    sent = 0
    recipients = broadcast_recipients(project=broadcast.project, shift=broadcast.shift).exclude(pk__in=already)
    for recipient in recipients.iterator():
        message = notify(
            recipient=recipient, kind=Kind.ORGANIZER, sender=broadcast.sender, broadcast=broadcast,
            render=lambda: organizer_message(broadcast.organization, broadcast.subject, broadcast.body, url),
        )
        sent += message is not None
    return sent
