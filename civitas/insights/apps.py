from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from civitas.core.navigation import NavItem


def _has_dashboard(request: HttpRequest) -> bool:
    from civitas.insights.selectors import default_scope_for

    return default_scope_for(request.user) is not None


def _is_committee(request: HttpRequest) -> bool:
    from civitas.insights.permissions import can_view_leadership

    return can_view_leadership(request.user)


class InsightsConfig(AppConfig):
    name = "civitas.insights"
    label = "insights"
    verbose_name = _("Insights")
    nav_items = [
        NavItem("insights:index", _("Dashboard"), order=70, visible=_has_dashboard),
        NavItem("insights:indicators", _("Indicators"), order=72, visible=_is_committee),
        NavItem("insights:assessment", _("Assessment"), order=74, visible=_is_committee),
    ]
    # Rollups move with the ledger and the registries (docs/events.md).
    event_handlers = {
        "record.approved": ["civitas.insights.handlers.on_record_approved"],
        "volunteer.registered": ["civitas.insights.handlers.on_volunteer_registered"],
        "organization.decided": ["civitas.insights.handlers.on_organization_decided"],
        "membership.decided": ["civitas.insights.handlers.on_membership_decided"],
        "project.transitioned": ["civitas.insights.handlers.on_project_transitioned"],
    }
