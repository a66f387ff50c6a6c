"""Publicity's settings (settings.PUBLICITY), each with its default."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # A comment reported by this many people is hidden until staff look at it.
    "COMMENT_REPORTS_TO_HIDE": 3,
    "COMMENT_MAX_LINKS": 2,
    # Backstops: the event handlers clear these caches when the figures change.
    "COUNTERS_TTL_SECONDS": 300,
    "HOME_CACHE_TTL_SECONDS": 60,
    "CAMPAIGN_FIGURES_TTL_SECONDS": 300,
}


def publicity_setting(name: str) -> Any:
    return {**DEFAULTS, **getattr(settings, "PUBLICITY", {})}[name]
