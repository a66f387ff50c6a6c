"""Sending a Delivery through its channel, with retries and exponential backoff.

A delivery is claimed (status ``sending`` with a lease) before the provider is called, so
a second worker leaves it alone; a worker that dies mid-send leaves a lease that expires,
and the sweep takes the delivery up again. After ``MAX_ATTEMPTS`` failures the delivery
is kept as ``failed`` for staff to see and retry.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from civitas.core.context_processors import site
from civitas.notifications.claims import claim
from civitas.notifications.models import Channel, Delivery, DeliveryStatus
from civitas.notifications.services import config, settings_for, unsubscribe_token
from civitas.notifications.sms import get_sms_backend

logger = logging.getLogger(__name__)


def claimable(now: dt.datetime) -> Any:
    return Delivery.objects.filter(
        Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=DeliveryStatus.SENDING, claimed_until__lt=now)
    )


def lease(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(seconds=config("CLAIM_LEASE_SECONDS"))


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=config("RETRY_BASE_SECONDS") * 2 ** max(attempts - 1, 0))


def site_name() -> str:
    return site(None)["site_name"]  # type: ignore[arg-type]  # the site's name needs no request


def absolute(path: str) -> str:
    if not path or path.startswith("http"):
        return path
    return config("BASE_URL").rstrip("/") + path


def deliver(delivery_id: int) -> str:
    """Send one delivery if it is due and nobody else holds it; answers its new status."""
    now = timezone.now()
    if not claim(claimable(now).filter(pk=delivery_id), limit=1, **claim_changes(now)):
        return "not_due"
    return send_claimed(delivery_id)


def deliver_due(*, limit: int = 200) -> int:
    """Send what is due (retries, deliveries a dead worker left, SMS held by quiet hours)."""
    now = timezone.now()
    ids = claim(claimable(now).order_by("next_attempt_at"), limit=limit, **claim_changes(now))
    for pk in ids:
        send_claimed(pk)
    return len(ids)


def claim_changes(now: dt.datetime) -> dict[str, Any]:
    return {"status": DeliveryStatus.SENDING, "claimed_until": lease(now), "attempts": F("attempts") + 1}


def send_claimed(delivery_id: int) -> str:
    delivery = Delivery.objects.select_related("message__recipient").get(pk=delivery_id)
    message, user = delivery.message, delivery.message.recipient
    choices = settings_for(user)
    now = timezone.now()
    mine = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING)
    if not user.is_active or delivery.channel not in choices.channels_for(message.kind):
        mine.update(status=DeliveryStatus.SKIPPED, last_error="unsubscribed", claimed_until=None)
        return DeliveryStatus.SKIPPED
    if delivery.channel == Channel.SMS and choices.in_quiet_hours(now):
        later = choices.quiet_hours_end(now)
        # Held, not attempted: the attempt taken by the claim is given back.
        mine.update(status=DeliveryStatus.PENDING, next_attempt_at=later, attempts=F("attempts") - 1, claimed_until=None)
        schedule_retry(delivery.pk, later)
        return "held"
    try:
        if delivery.channel == Channel.EMAIL:
            send_email(delivery)
        else:
            send_sms(delivery)
    except Exception as error:
        logger.warning("Delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, error)
        text = f"{type(error).__name__}: {error}"[:2000]
        if delivery.attempts >= config("MAX_ATTEMPTS"):
            mine.update(status=DeliveryStatus.FAILED, last_error=text, claimed_until=None)
            return DeliveryStatus.FAILED
        later = now + backoff(delivery.attempts)
        mine.update(status=DeliveryStatus.PENDING, last_error=text, next_attempt_at=later, claimed_until=None)
        schedule_retry(delivery.pk, later)
        return DeliveryStatus.PENDING
    mine.update(status=DeliveryStatus.SENT, sent_at=timezone.now(), claimed_until=None)
    return DeliveryStatus.SENT


def schedule_retry(delivery_id: int, when: dt.datetime) -> None:
    """Queue the next try for its time where the backend can defer; the sweep covers the rest."""
    from django_tasks import task_backends

    from civitas.notifications.tasks import deliver as deliver_task

    if task_backends[deliver_task.backend].supports_defer:
        deliver_task.using(run_after=when).enqueue(delivery_id)


def send_email(delivery: Delivery) -> None:
    message, user = delivery.message, delivery.message.recipient
    with translation.override(user.language or settings.LANGUAGE_CODE):
        unsubscribe_url = absolute(
            reverse("notifications:unsubscribe", args=[unsubscribe_token(user=user, kind=message.kind)])
        )
        parts = [message.body]
        if message.url:
            parts.append(absolute(message.url))
        parts.append(
            "-- \n"
            + _("%(site)s sends you this because of your notification settings.") % {"site": site_name()}
            + "\n"
            + _("Stop these emails with one click: %(url)s") % {"url": unsubscribe_url}
        )
        email = EmailMessage(
            subject=message.subject,
            body="\n\n".join(parts),
            to=[delivery.address],
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
    email.send(fail_silently=False)


def send_sms(delivery: Delivery) -> None:
    message = delivery.message
    with translation.override(message.recipient.language or settings.LANGUAGE_CODE):
        signature = site_name()
    get_sms_backend().send(to=delivery.address, text=f"【{signature}】{message.subject}: {message.body}")
