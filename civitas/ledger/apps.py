from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from civitas.core.navigation import NavItem, signed_in


def _reviews_hours(request: HttpRequest) -> bool:
    from civitas.organizations.permissions import is_organization_staff

    return is_organization_staff(request.user)


def _is_committee(request: HttpRequest) -> bool:
    from civitas.organizations.permissions import watched_region

    return watched_region(request.user) is not None


class LedgerConfig(AppConfig):
    name = "civitas.ledger"
    label = "ledger"
    verbose_name = _("Service hours")
    nav_items = [
        NavItem("ledger:my_hours", _("My hours"), order=40, visible=signed_in),
        NavItem("ledger:review_queue", _("Hours to approve"), order=82, visible=_reviews_hours),
        NavItem("ledger:committee_queue", _("Hours review"), order=84, visible=_is_committee),
    ]
