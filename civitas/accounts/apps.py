from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from civitas.core.navigation import NavItem, signed_in


def _reads_audit_trail(request: HttpRequest) -> bool:
    from civitas.organizations.permissions import is_auditor

    return request.user.is_authenticated and (request.user.is_superuser or is_auditor(request.user))


class AccountsConfig(AppConfig):
    name = "civitas.accounts"
    label = "accounts"
    verbose_name = _("Accounts and volunteers")
    nav_items = [
        NavItem("accounts:audit_log", _("Audit trail"), order=85, visible=_reads_audit_trail),
        NavItem("accounts:me", _("Me"), order=90, visible=signed_in),
    ]

    def ready(self) -> None:
        # Connects the sign-in signal that decides whether a second factor is owed.
        from civitas.accounts import twofactor  # noqa: F401
