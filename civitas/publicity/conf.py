"""Publicity's settings (settings.PUBLICITY), each with its default."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # A comment reported by this many people is hidden until staff look at it.
    "COMMENT_REPORTS_TO_HIDE": 3,
    # At most this many comments per email address and per IP address in the window.
    "COMMENT_RATE_LIMIT": 5,
    "COMMENT_RATE_WINDOW_SECONDS": 600,
    "COMMENT_MAX_LINKS": 2,
    # Where the visitor's IP address is; behind a proxy, the header the proxy sets.
    "CLIENT_IP_HEADER": "REMOTE_ADDR",
    # Backstops: the event handlers clear these caches when the figures change.
    "COUNTERS_TTL_SECONDS": 300,
    "HOME_CACHE_TTL_SECONDS": 60,
    "CAMPAIGN_FIGURES_TTL_SECONDS": 300,
}


def publicity_setting(name: str) -> Any:
    return {**DEFAULTS, **getattr(settings, "PUBLICITY", {})}[name]
