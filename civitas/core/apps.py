from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "civitas.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from civitas.core import sqlite_functions

        connection_created.connect(sqlite_functions.register, dispatch_uid="civitas.core.sqlite_functions")
