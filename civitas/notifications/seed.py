"""Demo city: the demo volunteer and organizer find a welcome in their inbox."""

from __future__ import annotations

from django.utils import translation

from civitas.core.seeding import SeedContext
from civitas.notifications import content
from civitas.notifications.models import Kind, Message
from civitas.organizations.models import Membership, MembershipStatus


def seed_notifications(ctx: SeedContext) -> None:
    personas = ctx.data.get("personas", {})
    rows = []
    for key in ("volunteer", "organizer"):
        user = personas.get(key)
        membership = (
            Membership.objects.filter(user=user, status=MembershipStatus.APPROVED).select_related("organization").first()
            if user is not None else None
        )
        if membership is None:
            continue
        # Written as the membership handler would, without queueing email from a seed run.
        with translation.override(user.language):
            subject, body, url = content.membership_decided(membership, True, "")
        rows.append(Message(recipient=user, kind=Kind.MEMBERSHIP, subject=subject, body=body, url=url))
    Message.objects.bulk_create(rows)
    ctx.say(f"notifications: {len(rows)} inbox messages")
