from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from civitas.core.navigation import NavItem, signed_in


def sees_deliveries(request: HttpRequest) -> bool:
    from civitas.notifications.services import can_see_deliveries

    return can_see_deliveries(request.user)


_N = "civitas.notifications.handlers."
SIGNUP_EVENTS = (
    "signup.confirmed", "signup.pending", "signup.waitlisted", "signup.promoted",
    "signup.offered", "signup.rejected", "signup.cancelled_by_organizer",
)


class NotificationsConfig(AppConfig):
    name = "civitas.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    nav_items = [
        NavItem("notifications:inbox", _("Inbox"), order=85, visible=signed_in,
                badge_url="notifications:badge"),
        NavItem("notifications:failed", _("Failed deliveries"), order=95, visible=sees_deliveries),
    ]
    event_handlers = {
        "organization.decided": [_N + "on_organization_decided"],
        "membership.decided": [_N + "on_membership_decided"],
        "record.approved": [_N + "on_record_decided"],
        "record.rejected": [_N + "on_record_decided"],
        "star_level.reached": [_N + "on_star_level"],
        "project.transitioned": [_N + "on_project_transitioned"],
        **{name: [_N + "on_signup"] for name in SIGNUP_EVENTS},
        "shift.cancelled": [_N + "on_shift_cancelled"],
        "certificate.issued": [_N + "on_certificate_issued"],
        "comment.reply_approved": [_N + "on_comment_reply"],
        "submission.reviewed": [_N + "on_submission_reviewed"],
        "account.closed": [_N + "on_account_closed"],
    }
