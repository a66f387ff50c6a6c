from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civitas.core.navigation import NavItem, signed_in


class AccountsConfig(AppConfig):
    name = "civitas.accounts"
    label = "accounts"
    verbose_name = _("Accounts and volunteers")
    nav_items = [NavItem("accounts:me", _("Me"), order=90, visible=signed_in)]
