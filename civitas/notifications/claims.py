"""Claiming due rows so that two workers, or a worker restarted mid-way, never take the
same row twice. PostgreSQL locks the candidates with SKIP LOCKED; SQLite (one writer at a
time, IMMEDIATE transactions) takes each row with a conditional UPDATE that only one
caller can win."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet


def claim(claimable: QuerySet, *, limit: int, **changes: Any) -> list[int]:
    """Apply ``changes`` to up to ``limit`` rows of ``claimable``; answer the ids taken."""
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(claimable.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
            if ids:
                claimable.filter(pk__in=ids).update(**changes)
            return ids
    taken = []
    for pk in claimable.values_list("pk", flat=True)[:limit]:
        if claimable.filter(pk=pk).update(**changes):
            taken.append(pk)
    return taken
