"""A fixed-window rate limiter on the shared cache.

The counter lives in Django's cache (Redis in production), so every web node sees the
same count. A window is ``period`` seconds long and starts on a multiple of it; the
first request of a window creates the key with a timeout of one period.

Limits are named scopes in ``settings.RATE_LIMITS`` (``{"comment": (5, 600)}``: five
requests per ten minutes), so an operator tunes them without a code change; a call may
also pass ``limit`` and ``period`` itself.

Pages::

    @rate_limit("signup")                                  # POSTs per client address
    def signup(request): ...

API (django-ninja)::

    def create_comment(request, payload):
        check_rate(request, "comment")                     # raises RateLimited → 429

The key defaults to the client's IP address; pass ``key=`` a function of the request
to count per user or per target instead (``key=by_user``).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from civitas.core.errors import RateLimited

KeyFunction = Callable[[HttpRequest], str]


def client_ip(request: HttpRequest) -> str:
    """The caller's address. Behind a proxy, the last hop the proxy appended is the
    one it vouches for; earlier entries are whatever the client chose to send."""
    if getattr(settings, "RATELIMIT_TRUST_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def by_ip(request: HttpRequest) -> str:
    return f"ip:{client_ip(request)}"


def by_user(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return by_ip(request)


def _limits_enabled() -> bool:
    return getattr(settings, "RATELIMIT_ENABLED", True)


def hit(scope: str, key: str, *, limit: int, period: int) -> bool:
    """Count one request; True when it is still within the limit."""
    if not _limits_enabled():
        return True
    window = int(time.time()) // period
    cache_key = f"rl:{scope}:{key}:{window}"
    if cache.add(cache_key, 1, timeout=period):
        return limit >= 1
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # The key expired between add and incr: this request opens the next window.
        cache.add(cache_key, 1, timeout=period)
        count = 1
    return count <= limit


def _limits(scope: str, limit: int | None, period: int | None) -> tuple[int, int]:
    configured = getattr(settings, "RATE_LIMITS", {}).get(scope)
    if limit is None or period is None:
        if configured is None:
            raise KeyError(f"settings.RATE_LIMITS has no scope {scope!r}")
        return (limit or configured[0], period or configured[1])
    return limit, period


def check_rate(
    request: HttpRequest, scope: str, *, limit: int | None = None, period: int | None = None,
    key: KeyFunction = by_ip,
) -> None:
    """For API endpoints and services: raise RateLimited (429) when over the limit."""
    limit, period = _limits(scope, limit, period)
    if not hit(scope, key(request), limit=limit, period=period):
        raise RateLimited(_("Too many attempts. Please wait a while and try again."))


def too_many_requests(request: HttpRequest, period: int) -> HttpResponse:
    body = render_to_string("core/429.html", {"retry_after": period}, request=request)
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(period)
    return response


def rate_limit(
    scope: str,
    *,
    limit: int | None = None,
    period: int | None = None,
    key: KeyFunction = by_ip,
    methods: tuple[str, ...] = ("POST",),
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a view: requests with one of ``methods`` beyond ``limit`` per ``period``
    seconds get a 429 page. GETs are free by default, so showing a form never counts."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                window_limit, window = _limits(scope, limit, period)
                if not hit(scope, key(request), limit=window_limit, period=window):
                    return too_many_requests(request, window)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
