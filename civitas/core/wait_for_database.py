"""Wait until the configured database answers (PostgreSQL in CI); fail loudly otherwise."""

from __future__ import annotations

import os
import sys
import time

import django


def main(timeout: float = 20.0) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civitas.settings")
    django.setup()
    from django.db import connection
    from django.db.utils import OperationalError

    deadline = time.monotonic() + timeout
    while True:
        try:
            connection.ensure_connection()
            return 0
        except OperationalError as error:
            if time.monotonic() > deadline:
                print(f"The database is unreachable: {error}", file=sys.stderr)
                return 1
            time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
