"""SQL functions Civitas adds to each SQLite connection (connected in CoreConfig.ready)."""

from __future__ import annotations

import functools
from typing import Any


@functools.lru_cache(maxsize=65_536)
def _datetime_trunc(lookup_type: str, value: str | None, zone: str | None, connection_zone: str | None) -> str | None:
    """Django's ``django_datetime_trunc``, memoized (see ``bulk_sql.local_month``)."""
    from django.db.backends.sqlite3._functions import _sqlite_datetime_trunc

    return _sqlite_datetime_trunc(lookup_type, value, zone, connection_zone)


def register(sender: Any, connection: Any, **kwargs: Any) -> None:
    """A ``connection_created`` receiver."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("civitas_datetime_trunc", 4, _datetime_trunc, deterministic=True)
