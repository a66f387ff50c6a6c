"""Whole public pages from the cache for visitors without a session.

A publicity spike is mostly people who are not signed in. For them a page is the same
for everyone of one language apart from the CSRF token, so ``visitor_page_cache`` keeps
the rendered page (rendered once with a placeholder for the token) and answers each such
visitor with a copy carrying their own token: no query and no template rendering. Anyone
with a session or a flash message gets the view as usual.

Pages name what they show with a version key (``page_version``); a service that changes
it calls ``page_versions_retire`` and every cached copy (each language, each URL) is
passed over at once. The TTL each page gives is the backstop.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from functools import partial, wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils.translation import get_language

CSRF_PLACEHOLDER = "civitas-csrf-placeholder-4f1c"


def is_stateless_visitor(request: HttpRequest) -> bool:
    """No session and no flash messages (no cookie but the CSRF and language ones), and
    not an htmx request for a part of a page."""
    if request.headers.get("HX-Request"):
        return False
    return not (set(request.COOKIES) - {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME})


def page_version(name: str) -> str:
    """The current version of what a page shows. A random token, not a counter, so a
    version key evicted from the cache can never bring an old page back."""
    key = f"pagecache:version:{name}"
    version = cache.get(key)
    if version is None:
        cache.add(key, secrets.token_hex(6), None)
        version = cache.get(key) or "0"
    return str(version)


def page_versions_retire(*names: str) -> None:
    """Every cached page built on these versions is passed over from now on. Retired at
    once and again when the transaction commits, so a page rendered from the old rows
    while the change was being written is not kept either."""
    keys = [f"pagecache:version:{name}" for name in names]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(partial(cache.delete_many, keys), robust=True)


def _page_key(request: HttpRequest, key: str) -> str:
    # The page shows its own address (the language form's "next", Open Graph links), so
    # the host and the query string are part of the key.
    address = hashlib.md5(request.build_absolute_uri().encode(), usedforsecurity=False).hexdigest()
    return f"pagecache:page:{key}:{get_language()}:{address}"


def _with_token(request: HttpRequest, html: str, status: int = 200) -> HttpResponse:
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)), status=status)


def visitor_page_cache(
    *, key: Callable[..., str], ttl: Callable[[], int]
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve a view's page from the cache to stateless visitors.

    ``key(request, *args, **kwargs)`` names the page and the versions it depends on
    (language, host and address are added); ``ttl()`` gives its lifetime in seconds. The
    view must return an unrendered TemplateResponse: only then can the CSRF token be left
    out of the cached copy. Only the body of a 200 answer to GET is kept; the answer is
    built the same way on a miss and a hit (status 200, default content type).
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in ("GET", "HEAD") or not is_stateless_visitor(request):
                return view(request, *args, **kwargs)
            page_key = _page_key(request, key(request, *args, **kwargs))
            html = cache.get(page_key)
            if html is not None:
                return _with_token(request, html)
            response = view(request, *args, **kwargs)
            if not isinstance(response, SimpleTemplateResponse) or response.is_rendered:
                return response
            token_used = request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
            response.context_data = {**(response.context_data or {}), "csrf_token": CSRF_PLACEHOLDER}
            response.render()
            html = response.content.decode(response.charset)
            # Whatever asked for the real token while rendering put it in the page: such a
            # page belongs to this visitor alone.
            leaked = not token_used and request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
            if response.status_code == 200 and request.method == "GET" and not leaked:
                cache.set(page_key, html, ttl())
            return _with_token(request, html, response.status_code)

        return wrapper

    return decorator
