"""Domain event handlers (settings.EVENT_HANDLERS; catalog in docs/events.md).

They run after the publisher's transaction commits. Each only writes rows (messages,
deliveries, reminders) and queues the sending, so the request that published the event
never waits for a mail server. Models of apps at this layer or above (publicity, online)
are looked up by name so notifications never imports them.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from civitas.notifications import content
from civitas.notifications.models import Kind
from civitas.notifications.reminders import reminders_cancel, reminders_schedule
from civitas.notifications.services import notify

logger = logging.getLogger(__name__)

SIGNUP_EVENTS = {
    "signup.confirmed": "confirmed",
    "signup.pending": "pending",
    "signup.waitlisted": "waitlisted",
    "signup.promoted": "promoted",
    "signup.offered": "offered",
    "signup.rejected": "rejected",
    "signup.cancelled_by_organizer": "cancelled",
}


def model(label: str) -> Any:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def first_attr(obj: Any, *names: str) -> Any:
    for name in names:
        value = getattr(obj, name, None)
        if value is not None:
            return value
    return None


def on_signup(event: str, signup_id: int, **_: Any) -> None:
    SignUp = model("projects.SignUp")
    signup = SignUp.objects.select_related("shift__project__organization", "volunteer").filter(pk=signup_id).first()
    if signup is None:
        return
    status = SIGNUP_EVENTS[event]
    kind = Kind.SIGNUP_CANCELLED if status == "cancelled" else Kind.SIGNUP
    with transaction.atomic():
        notify(recipient=signup.volunteer, kind=kind, render=lambda: content.signup_status(signup, status))
        if status in ("confirmed", "promoted"):
            reminders_schedule(signup=signup)
        elif status == "cancelled":
            reminders_cancel(signup_ids=[signup.pk])


def on_shift_cancelled(event: str, shift_id: int, reason: str = "", **_: Any) -> None:
    Shift = model("projects.Shift")
    shift = Shift.objects.select_related("project__organization").filter(pk=shift_id).first()
    if shift is None:
        return
    signups = shift.signups.select_related("volunteer")
    recent = timezone.now() - dt.timedelta(hours=1)
    # The service may have cancelled the sign-ups in the same transaction: those cancelled
    # just now were on the shift; older cancellations were the volunteers' own.
    affected = [
        s for s in signups
        if s.status in ("pending", "confirmed", "waitlisted", "offered")
        or (s.status == "cancelled" and s.cancelled_at and s.cancelled_at >= recent)
    ]
    with transaction.atomic():
        reminders_cancel(signup_ids=[s.pk for s in signups])
        told: set[int] = set()
        for signup in affected:
            if signup.volunteer_id in told:
                continue
            told.add(signup.volunteer_id)
            notify(recipient=signup.volunteer, kind=Kind.SIGNUP_CANCELLED,
                   render=lambda: content.shift_cancelled(shift, reason))


def on_record_decided(event: str, record_id: int, **_: Any) -> None:
    ServiceRecord = model("ledger.ServiceRecord")
    record = ServiceRecord.objects.select_related("volunteer", "project", "organization").filter(pk=record_id).first()
    if record is None:
        return
    approved = event == "record.approved"
    notify(recipient=record.volunteer, kind=Kind.HOURS, render=lambda: content.record_decided(record, approved))


def on_star_level(event: str, user_id: int, level: int, **_: Any) -> None:
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is not None:
        notify(recipient=user, kind=Kind.HONORS, render=lambda: content.star_level(level))


def on_certificate_issued(event: str, certificate_id: int, **_: Any) -> None:
    Certificate = model("ledger.Certificate")
    certificate = (
        Certificate.objects.select_related("volunteer").filter(pk=certificate_id).first() if Certificate else None
    )
    if certificate is None:
        logger.warning("certificate.issued for unknown certificate %s", certificate_id)
        return
    code = certificate.code

    def render() -> content.Rendered:
        subject, body, _fallback = content.certificate_issued(code)
        # The certificate's own page: it shows the signed facts and, to its owner, the PDF.
        return subject, body, content.link("ledger:certificate_verify", code) or _fallback

    notify(recipient=certificate.volunteer, kind=Kind.HONORS, render=render)


def on_organization_decided(event: str, organization_id: int, action: str, reason: str = "", **_: Any) -> None:
    Organization = model("organizations.Organization")
    organization = Organization.objects.select_related("created_by").filter(pk=organization_id).first()
    if organization is None or organization.created_by is None:
        return
    notify(recipient=organization.created_by, kind=Kind.APPROVALS,
           render=lambda: content.organization_decided(organization, action, reason))


def on_project_transitioned(event: str, project_id: int, action: str, reason: str = "", **_: Any) -> None:
    if action not in ("approve", "return", "reject"):
        return  # submitting, starting and completing are the organizer's own steps
    Project = model("projects.Project")
    project = Project.objects.select_related("created_by").filter(pk=project_id).first()
    if project is None:
        return
    notify(recipient=project.created_by, kind=Kind.APPROVALS,
           render=lambda: content.project_transitioned(project, action, reason))


def on_membership_decided(event: str, membership_id: int, approved: bool, reason: str = "", **_: Any) -> None:
    Membership = model("organizations.Membership")
    membership = Membership.objects.select_related("user", "organization").filter(pk=membership_id).first()
    if membership is None:
        return
    notify(recipient=membership.user, kind=Kind.MEMBERSHIP,
           render=lambda: content.membership_decided(membership, approved, reason))


def on_comment_reply(event: str, comment_id: int, **_: Any) -> None:
    """The author of the comment replied to hears of it (by email only: see models.ALLOWED_CHANNELS)."""
    Comment = model("publicity.Comment")
    reply = Comment.objects.filter(pk=comment_id).first() if Comment else None
    if reply is None:
        return
    parent = first_attr(reply, "parent", "reply_to", "in_reply_to")
    author = first_attr(parent, "author", "user", "created_by") if parent else None
    if author is None:
        return
    replier = first_attr(reply, "author", "user", "created_by")
    if replier is not None and replier.pk == author.pk:
        return
    text = str(first_attr(parent, "body", "text", "content") or "")
    excerpt = text if len(text) <= 60 else text[:60] + "…"
    url = reply.get_absolute_url() if hasattr(reply, "get_absolute_url") else ""
    notify(recipient=author, kind=Kind.COMMENT_REPLY, render=lambda: content.comment_reply(excerpt, url))


def on_submission_reviewed(event: str, submission_id: int, accepted: bool, **_: Any) -> None:
    Submission = model("online.Submission")
    submission = (
        Submission.objects.select_related("task", "volunteer").filter(pk=submission_id).first() if Submission else None
    )
    if submission is None:
        return
    notify(recipient=submission.volunteer, kind=Kind.SUBMISSION,
           render=lambda: content.submission_reviewed(submission, accepted))
