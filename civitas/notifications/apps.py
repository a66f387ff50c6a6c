from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from civitas.core.navigation import NavItem, signed_in


def sees_deliveries(request: HttpRequest) -> bool:
    from civitas.notifications.services import can_see_deliveries

    return can_see_deliveries(request.user)


class NotificationsConfig(AppConfig):
    name = "civitas.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    nav_items = [
        NavItem("notifications:inbox", _("Inbox"), order=85, visible=signed_in,
                badge_url="notifications:badge"),
        NavItem("notifications:failed", _("Failed deliveries"), order=95, visible=sees_deliveries),
    ]
