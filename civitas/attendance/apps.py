from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from civitas.core.navigation import NavItem


def _runs_shifts(request: HttpRequest) -> bool:
    from civitas.organizations.permissions import is_organization_staff

    return is_organization_staff(request.user)


def _is_volunteer(request: HttpRequest) -> bool:
    from civitas.organizations.permissions import is_volunteer

    return is_volunteer(request.user)


class AttendanceConfig(AppConfig):
    name = "civitas.attendance"
    label = "attendance"
    verbose_name = _("Attendance")
    nav_items = [
        NavItem("attendance:my_code", _("My check-in code"), order=42, visible=_is_volunteer),
        NavItem("attendance:shifts", _("Check-in"), order=81, visible=_runs_shifts),
    ]
