"""Test helpers shared by every app."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

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


def assert_queries_do_not_grow(fetch: Callable[[], Any], add_rows: Callable[[], None], *, limit: int) -> int:
    """The N+1 check that a fixed budget alone can miss: ``fetch`` (render a page, call an
    endpoint) within ``limit`` queries, ``add_rows`` (more of what it lists), then ``fetch``
    again with exactly as many queries. Returns the count."""
    with query_budget(limit) as first:
        fetch()
    add_rows()
    with CaptureQueriesContext(connection) as second:
        fetch()
    before, after = len(first.captured_queries), len(second.captured_queries)
    if after != before:
        listing = "\n".join(q["sql"][:200] for q in second.captured_queries)
        raise AssertionError(f"{before} queries before adding rows, {after} after: one per row?\n{listing}")
    return before

