"""Wait until the configured database answers; on PostgreSQL create the database when the
server is up but the database is not there yet. Exits non-zero when unreachable (CI
treats an unreachable PostgreSQL as a failure, never a skip)."""

from __future__ import annotations

import os
import sys
import time

import django


def _ensure_postgres_database(settings_dict: dict) -> None:
    import psycopg
    from psycopg import sql

    params = {
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **params) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [settings_dict["NAME"]]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings_dict["NAME"])))


def main(timeout: float = 20.0) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civitas.settings")
    django.setup()
    from django.db import connection

    deadline = time.monotonic() + timeout
    while True:
        try:
            if connection.vendor == "postgresql":
                _ensure_postgres_database(connection.settings_dict)
            connection.ensure_connection()
            return 0
        except Exception as error:  # Django's OperationalError and psycopg's own
            if time.monotonic() > deadline:
                print(f"The database is unreachable: {error}", file=sys.stderr)
                return 1
            time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
