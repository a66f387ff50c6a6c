"""What each notice says. Every function runs inside ``translation.override(recipient's
language)`` (see services.notify), so gettext and localized names follow the recipient."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core.text import localized

Rendered = tuple[str, str, str]  # subject, body, link


def link(url_name: str, *args: Any) -> str:
    """A page's path, or "" when the page belongs to the ledger branch, not merged yet."""
    try:
        return reverse(url_name, args=args)
    except NoReverseMatch:
        return ""


def when(moment: Any, zone: str = "") -> str:
    """Local time: the organization's zone when it has one, the site's otherwise."""
    try:
        tz = ZoneInfo(zone) if zone else None
    except (ZoneInfoNotFoundError, ValueError):
        tz = None
    return f"{timezone.localtime(moment, tz):%Y-%m-%d %H:%M}"


def shift_facts(shift: Any) -> dict[str, str]:
    project = shift.project
    return {
        "project": localized(project, "title"),
        "shift": shift.title or localized(project, "title"),
        "time": when(shift.starts_at, project.organization.time_zone),
        "place": shift.place_name or project.place_name or project.address or _("the place on the project page"),
    }


def shift_link(shift: Any) -> str:
    """Shifts have no page of their own: the project page lists them."""
    return reverse("projects:detail", args=[shift.project_id])


def signup_status(signup: Any, status: str) -> Rendered:
    facts = shift_facts(signup.shift)
    url = shift_link(signup.shift)
    if status == "confirmed":
        return (
            _("Sign-up confirmed: %(project)s") % facts,
            _("You are confirmed for %(shift)s at %(time)s, %(place)s. We will remind you before it starts.") % facts,
            url,
        )
    if status == "pending":
        return (
            _("Sign-up received: %(project)s") % facts,
            _("Your sign-up for %(shift)s at %(time)s waits for the organizer's approval.") % facts,
            url,
        )
    if status == "waitlisted":
        facts["position"] = str(signup.waitlist_position or "")
        return (
            _("On the waitlist: %(project)s") % facts,
            _("%(shift)s at %(time)s is full. You are number %(position)s on the waitlist; we will tell you when a place opens.")
            % facts,
            url,
        )
    if status == "promoted":
        return (
            _("A place opened: you are confirmed for %(project)s") % facts,
            _("A place opened on %(shift)s at %(time)s, %(place)s, and it is yours. If you cannot come, please cancel so the next person can go.")
            % facts,
            url,
        )
    if status == "offered":
        facts["expires"] = when(signup.offer_expires_at) if signup.offer_expires_at else "—"
        return (
            _("A place is offered to you: %(project)s") % facts,
            _("A place opened on %(shift)s at %(time)s. Accept it before %(expires)s, or it goes to the next person on the waitlist.")
            % facts,
            reverse("projects:offer", args=[signup.offer_token]) if signup.offer_token else url,
        )
    if status == "rejected":
        return (
            _("Sign-up not accepted: %(project)s") % facts,
            _("The organizer could not accept your sign-up for %(shift)s at %(time)s. Other shifts may still have places.")
            % facts,
            url,
        )
    # cancelled by the organizer
    return (
        _("Your sign-up was cancelled: %(project)s") % facts,
        _("The organizer cancelled your sign-up for %(shift)s at %(time)s.") % facts,
        url,
    )


def shift_cancelled(shift: Any, reason: str) -> Rendered:
    facts = shift_facts(shift)
    facts["reason"] = reason or _("no reason given")
    return (
        _("Shift cancelled: %(project)s") % facts,
        _("%(shift)s at %(time)s is cancelled (%(reason)s). You do not need to come.") % facts,
        shift_link(shift),
    )


def reminder(signup: Any, kind: str) -> Rendered:
    facts = shift_facts(signup.shift)
    if kind == "24h":
        subject = _("Tomorrow: %(project)s") % facts
        body = _("A reminder: %(shift)s starts at %(time)s, %(place)s. If you cannot come, please cancel so someone else can go.") % facts
    else:
        subject = _("In two hours: %(project)s") % facts
        body = _("%(shift)s starts at %(time)s, %(place)s. Remember to check in when you arrive.") % facts
    return subject, body, shift_link(signup.shift)


def record_decided(record: Any, approved: bool) -> Rendered:
    facts = {
        "hours": f"{record.hours}",
        "date": f"{timezone.localtime(record.started_at):%Y-%m-%d}",
        "project": localized(record.project, "title") if record.project_id else localized(record.organization),
        "reason": record.decision_reason or _("no reason given"),
    }
    url = link("ledger:my_hours") or link("accounts:me")
    if approved:
        return (
            _("%(hours)s service hours approved") % facts,
            _("Your %(hours)s hours for %(project)s on %(date)s are approved and count towards your total.") % facts,
            url,
        )
    return (
        _("Service hours not approved") % facts,
        _("Your %(hours)s hours for %(project)s on %(date)s were not approved: %(reason)s.") % facts,
        url,
    )


def star_level(level: int) -> Rendered:
    return (
        _("You reached star level %(level)s") % {"level": level},
        _("Thank you: your service hours have earned you star level %(level)s.") % {"level": level},
        link("ledger:my_hours") or link("accounts:me"),
    )


def certificate_issued(code: str) -> Rendered:
    return (
        _("Your service certificate is ready"),
        _("A service certificate was issued to you. Its verification code is %(code)s.") % {"code": code},
        link("ledger:certificates") or link("accounts:me"),
    )


def organization_decided(organization: Any, action: str, reason: str) -> Rendered:
    facts = {"name": localized(organization), "reason": reason or _("no reason given")}
    url = reverse("organizations:detail", args=[organization.pk])
    if action == "approve":
        return _("%(name)s is approved") % facts, _("The committee approved %(name)s. You can now publish projects.") % facts, url
    if action == "suspend":
        return _("%(name)s is suspended") % facts, _("The committee suspended %(name)s: %(reason)s.") % facts, url
    return _("%(name)s was not approved") % facts, _("The committee did not approve %(name)s: %(reason)s.") % facts, url


def project_transitioned(project: Any, action: str, reason: str) -> Rendered:
    facts = {"title": localized(project, "title"), "reason": reason or _("no reason given")}
    url = reverse("projects:detail", args=[project.pk])
    if action == "approve":
        return _("Project approved: %(title)s") % facts, _("The committee approved %(title)s. You can open it for sign-ups.") % facts, url
    if action == "return":
        return (
            _("Project returned for changes: %(title)s") % facts,
            _("The committee returned %(title)s for changes: %(reason)s.") % facts,
            url,
        )
    return _("Project not approved: %(title)s") % facts, _("The committee did not approve %(title)s: %(reason)s.") % facts, url


def membership_decided(membership: Any, approved: bool, reason: str) -> Rendered:
    facts = {"name": localized(membership.organization), "reason": reason or _("no reason given")}
    url = reverse("organizations:detail", args=[membership.organization_id])
    if approved:
        return _("Welcome to %(name)s") % facts, _("%(name)s accepted your application to join.") % facts, url
    return _("Application to %(name)s not accepted") % facts, _("%(name)s did not accept your application: %(reason)s.") % facts, url


def comment_reply(excerpt: str, reply: Any) -> Rendered:
    if reply.article_id:
        page = reverse("publicity:article", args=[reply.article.slug])
    else:
        page = reverse("projects:detail", args=[reply.project_id])
    return (
        _("Someone replied to your comment"),
        _("There is a new reply to your comment: “%(excerpt)s”") % {"excerpt": excerpt},
        f"{page}#comment-{reply.pk}",
    )


def submission_reviewed(submission: Any, accepted: bool) -> Rendered:
    facts = {
        "title": localized(submission.task, "title"),
        "reason": submission.review_reason or _("no reason given"),
    }
    url = reverse("online:my_submissions")
    if accepted:
        return (
            _("Your online task was accepted"),
            _("Your submission for “%(title)s” was reviewed and accepted.") % facts,
            url,
        )
    return (
        _("Your online task needs another look"),
        _("Your submission for “%(title)s” was not accepted this time: %(reason)s.") % facts,
        url,
    )


def organizer_message(organization: Any, subject: str, body: str, url: str) -> Rendered:
    return (
        _("%(organization)s: %(subject)s") % {"organization": localized(organization), "subject": subject},
        body,
        url,
    )
