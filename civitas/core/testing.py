"""Test helpers shared by every app."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext


@contextmanager
def query_budget(limit: int) -> Iterator[CaptureQueriesContext]:
    """Fail when the block issues more than ``limit`` queries (no N+1 on list pages)."""
    with CaptureQueriesContext(connection) as context:
        yield context
    count = len(context.captured_queries)
    if count > limit:
        listing = "\n".join(q["sql"][:200] for q in context.captured_queries)
        raise AssertionError(f"{count} queries, over the budget of {limit}:\n{listing}")
