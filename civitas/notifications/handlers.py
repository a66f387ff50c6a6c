"""Domain event handlers (settings.EVENT_HANDLERS; catalog in docs/events.md).

They run after the publisher's transaction commits. Each only writes rows (messages,
deliveries, reminders) and queues the sending, so the request that published the event
never waits for a mail server. Models of the apps below are imported inside the handler;
publicity sits beside notifications, so its Comment is looked up by name, and so is the
ledger's Certificate, which comes with a branch not merged yet.
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction

from civitas.notifications import content
from civitas.notifications.models import Kind
from civitas.notifications.reminders import reminders_cancel, reminders_schedule
from civitas.notifications.selectors import signup_for_notice
from civitas.notifications.services import account_forget, notify

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
    """Queue the sign-up's notice (and reminders, or their cancellation): one task, one
    INSERT on the task queue, in place of the eleven statements and the rendering that
    were 45 % of a sign-up request's CPU (docs/performance.md, "Sign-ups"). The notice
    arrives when a worker takes the task, seconds later."""
    from civitas.notifications.tasks import signup_notify

    signup_notify.enqueue(event=event, signup_id=signup_id)


def signup_notice(event: str, signup_id: int) -> None:
    """What a sign-up's event tells the volunteer (run by ``tasks.signup_notify``): the
    notice, and the reminders of a confirmed place or their cancellation."""
    from civitas.projects.models import ShiftStatus, SignUpStatus

    read = signup_for_notice(signup_id)
    if read is None:
        return
    signup, choices = read
    status = SIGNUP_EVENTS[event]
    shift = signup.shift
    with transaction.atomic():
        if status == "cancelled":
            reminders_cancel(signup_ids=[signup.pk])
            # shift_cancel publishes this for each sign-up it ends: one notice with the
            # shift's reason is enough, not a second one saying the sign-up went too.
            if shift.status == ShiftStatus.CANCELLED:
                render = lambda: content.shift_cancelled(shift, shift.cancelled_reason)  # noqa: E731
            else:
                render = lambda: content.signup_status(signup, status)  # noqa: E731
            notify(recipient=signup.volunteer, kind=Kind.SIGNUP_CANCELLED, render=render, choices=choices)
            return
        notify(recipient=signup.volunteer, kind=Kind.SIGNUP, render=lambda: content.signup_status(signup, status),
               choices=choices)
        # Read when the task runs: a place given up since the event was queued gets no reminders.
        if status in ("confirmed", "promoted") and signup.status == SignUpStatus.CONFIRMED:
            reminders_schedule(signup=signup)


def on_shift_cancelled(event: str, shift_id: int, reason: str = "", **_: Any) -> None:
    """The volunteers hear of it through ``signup.cancelled_by_organizer``, published for
    each sign-up the cancellation ended; here no reminder of the shift may go out."""
    from civitas.projects.models import SignUp

    reminders_cancel(signup_ids=list(SignUp.objects.filter(shift_id=shift_id).values_list("pk", flat=True)))


def on_record_decided(event: str, record_id: int, **_: Any) -> None:
    from civitas.ledger.models import ServiceRecord

    record = ServiceRecord.objects.select_related("volunteer", "project", "organization").filter(pk=record_id).first()
    if record is None:
        return
    approved = event == "record.approved"
    notify(recipient=record.volunteer, kind=Kind.HOURS, render=lambda: content.record_decided(record, approved))


def on_star_level(event: str, user_id: int, level: int, **_: Any) -> None:
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is not None:
        notify(recipient=user, kind=Kind.HONORS, render=lambda: content.star_level(level))


def on_account_closed(event: str, user_id: int, **_: Any) -> None:
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is not None:
        account_forget(user=user)


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
    from civitas.organizations.models import Organization

    organization = Organization.objects.select_related("created_by").filter(pk=organization_id).first()
    if organization is None or organization.created_by is None:
        return
    notify(recipient=organization.created_by, kind=Kind.APPROVALS,
           render=lambda: content.organization_decided(organization, action, reason))


def on_project_transitioned(event: str, project_id: int, action: str, reason: str = "", **_: Any) -> None:
    if action not in ("approve", "return", "reject"):
        return  # submitting, starting and completing are the organizer's own steps
    from civitas.projects.models import Project

    project = Project.objects.select_related("created_by").filter(pk=project_id).first()
    if project is None:
        return
    notify(recipient=project.created_by, kind=Kind.APPROVALS,
           render=lambda: content.project_transitioned(project, action, reason))


def on_membership_decided(event: str, membership_id: int, approved: bool, reason: str = "", **_: Any) -> None:
    from civitas.organizations.models import Membership

    membership = Membership.objects.select_related("user", "organization").filter(pk=membership_id).first()
    if membership is None:
        return
    notify(recipient=membership.user, kind=Kind.MEMBERSHIP,
           render=lambda: content.membership_decided(membership, approved, reason))


def on_comment_reply(event: str, comment_id: int, **_: Any) -> None:
    """The author of the comment replied to hears of it (by email only: see models.ALLOWED_CHANNELS).

    Only a signed-in author has an account to write to; a comment left with a name and
    an address alone gets nothing, since that address never agreed to our mail.
    """
    Comment = model("publicity.Comment")  # publicity sits beside notifications: looked up by name
    reply = (
        Comment.objects.select_related("parent__user", "article").filter(pk=comment_id).first() if Comment else None
    )
    if reply is None or reply.parent is None:
        return
    author = reply.parent.user
    if author is None or author.pk == reply.user_id:
        return
    text = reply.parent.text
    excerpt = text if len(text) <= 60 else text[:60] + "…"
    notify(recipient=author, kind=Kind.COMMENT_REPLY, render=lambda: content.comment_reply(excerpt, reply))


def on_submission_reviewed(event: str, submission_id: int, accepted: bool, **_: Any) -> None:
    from civitas.online.models import Submission

    submission = Submission.objects.select_related("task", "volunteer").filter(pk=submission_id).first()
    if submission is None:
        return
    notify(recipient=submission.volunteer, kind=Kind.SUBMISSION,
           render=lambda: content.submission_reviewed(submission, accepted))
