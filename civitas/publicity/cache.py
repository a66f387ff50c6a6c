"""Cache keys the public site shares between web nodes (Django's cache, Redis in production).

The home page (the whole page for visitors, the fragment for signed-in people) is keyed
by a version (core.pagecache); retiring it passes over every language's copy at once
without knowing their keys.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from civitas.core.pagecache import page_version, page_versions_retire

COUNTERS_KEY = "publicity:impact-counters"
HOME_VERSION = "publicity:home"


def home_version() -> str:
    return page_version(HOME_VERSION)


def home_invalidate() -> None:
    page_versions_retire(HOME_VERSION)


def figures_changed(event: str = "", **payload: Any) -> None:
    """Event handler (record.approved, organization.decided, project.transitioned): the
    impact counters and the home page that shows them are stale."""
    cache.delete(COUNTERS_KEY)
    home_invalidate()
