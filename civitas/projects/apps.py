from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from civitas.core.navigation import NavItem


def _is_volunteer(request: HttpRequest) -> bool:
    from civitas.organizations.permissions import is_volunteer

    return is_volunteer(request.user)


def _is_committee_staff(request: HttpRequest) -> bool:
    from civitas.organizations.permissions import is_committee_staff

    return is_committee_staff(request.user)


class ProjectsConfig(AppConfig):
    name = "civitas.projects"
    label = "projects"
    verbose_name = _("Projects")
    nav_items = [
        NavItem("projects:list", _("Projects"), order=20),
        NavItem("projects:my_signups", _("My shifts"), order=25, visible=_is_volunteer),
        NavItem("projects:review_queue", _("Project review"), order=81, visible=_is_committee_staff),
    ]
    # A project's public page names its organization (projects/cache.py).
    event_handlers = {
        name: ["civitas.projects.cache.organization_changed"]
        for name in ("organization.decided", "organization.updated")
    }
