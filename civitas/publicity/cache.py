"""Cache keys the public site shares between web nodes (Django's cache, Redis in production).

The home page fragment is keyed by a version number; bumping the version retires every
language's copy at once without knowing their keys.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

COUNTERS_KEY = "publicity:impact-counters"
HOME_VERSION_KEY = "publicity:home-version"


def home_version() -> int:
    version = cache.get(HOME_VERSION_KEY)
    if version is None:
        version = 1
        cache.add(HOME_VERSION_KEY, version, None)
    return int(version)


def home_invalidate() -> None:
    try:
        cache.incr(HOME_VERSION_KEY)
    except ValueError:
        cache.set(HOME_VERSION_KEY, 2, None)


def figures_changed(event: str = "", **payload: Any) -> None:
    """Event handler (record.approved, organization.decided, project.transitioned): the
    impact counters and the home page that shows them are stale."""
    cache.delete(COUNTERS_KEY)
    home_invalidate()
