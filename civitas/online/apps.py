from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from civitas.core.navigation import NavItem


def _is_organization_staff(request: HttpRequest) -> bool:
    from civitas.organizations.permissions import is_organization_staff

    return is_organization_staff(request.user)


class OnlineConfig(AppConfig):
    name = "civitas.online"
    label = "online"
    verbose_name = _("Online tasks and training")
    nav_items = [
        NavItem("online:task_list", _("Online tasks"), order=45),
        NavItem("online:course_list", _("Training"), order=46),
        NavItem("online:review_queue", _("Online review"), order=82, visible=_is_organization_staff),
    ]
