from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from civitas.core.navigation import NavItem


def _is_committee(request: HttpRequest) -> bool:
    from civitas.organizations.permissions import watched_region

    return watched_region(request.user) is not None


class OrganizationsConfig(AppConfig):
    name = "civitas.organizations"
    label = "organizations"
    verbose_name = _("Regions and organizations")
    nav_items = [
        NavItem("organizations:list", _("Organizations"), order=30),
        NavItem("organizations:review_queue", _("Review"), order=80, visible=_is_committee),
    ]
