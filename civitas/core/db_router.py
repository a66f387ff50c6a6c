"""Reads that may lag a moment go to a PostgreSQL read replica; everything else stays on
the primary.

With ``DATABASE_REPLICA_URLS`` set, settings add ``DATABASES["replica"]`` (and
``replica_2``, ...). Reads move to a replica only where a second or two of replication lag
is harmless: inside ``using_replica()`` and, through ``ReplicaReadsMiddleware``, on GET
requests to the paths of ``REPLICA_READ_PATHS`` (dashboards, statistics, search). Writes,
and reads inside a transaction (a capacity check, a read-then-write), always go to the
primary, so a service never decides on stale rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

_replica_reads: ContextVar[bool] = ContextVar("civitas_replica_reads", default=False)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias == "replica" or alias.startswith("replica_")]


@contextmanager
def using_replica() -> Iterator[None]:
    """Reads in this block may be served by a replica (when one is configured)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


@contextmanager
def using_primary() -> Iterator[None]:
    """Reads in this block see the primary, even inside ``using_replica()``."""
    token = _replica_reads.set(False)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not _replica_reads.get():
            return None
        aliases = replica_aliases()
        # A read inside a transaction belongs to that transaction's snapshot on the primary.
        if not aliases or connections["default"].in_atomic_block:
            return None
        return aliases[0] if len(aliases) == 1 else random.choice(aliases)

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == "default"


class ReplicaReadsMiddleware:
    """GET and HEAD requests to the paths in ``settings.REPLICA_READ_PATHS`` read from a replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method in ("GET", "HEAD")
            and replica_aliases()
            and request.path.startswith(tuple(getattr(settings, "REPLICA_READ_PATHS", ())))
        ):
            with using_replica():
                return self.get_response(request)
        return self.get_response(request)
