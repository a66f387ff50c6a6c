from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from civitas.core.navigation import NavItem


def _writes(request: HttpRequest) -> bool:
    from civitas.publicity.permissions import can_write_articles

    return can_write_articles(request.user)


class PublicityConfig(AppConfig):
    name = "civitas.publicity"
    label = "publicity"
    verbose_name = _("Publicity")
    nav_items = [
        NavItem("publicity:articles", _("News"), order=10),
        NavItem("publicity:campaigns", _("Campaigns"), order=40),
        NavItem("publicity:honors", _("Honors"), order=45),
        NavItem("publicity:desk", _("Editing desk"), order=85, visible=_writes),
    ]
    # The home page's impact counters are cleared when the figures behind them change.
    event_handlers = {
        name: ["civitas.publicity.cache.figures_changed"]
        for name in ("record.approved", "organization.decided", "project.transitioned")
    }
