from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

log = logging.getLogger("civitas")

# The site-wide policies as django-csp builds them from settings: (header, report-only).
_site_policies: tuple[str, str] | None = None


def _forget_site_policies(*, setting: str, **kwargs: Any) -> None:
    global _site_policies
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _site_policies = None


setting_changed.connect(_forget_site_policies)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the site-wide policy built once per process.

    django-csp builds the header from settings on every response, the same string each
    time: 7 % of an API check-in's Python time (docs/performance.md, "Marathon morning").
    A response with nothing of its own (no ``csp_update``, ``csp_replace`` or ``csp``
    decorator, no nonce asked for) gets the policy built once, set under django-csp's own
    rules (not over a header already there, not on an exempt response or an excluded
    path, not on a debug error page); any other response goes to django-csp as it is."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        global _site_policies
        empty = PolicyParts()
        if (self.get_policy_parts(request, response) != empty
                or self.get_policy_parts(request, response, report_only=True) != empty):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        if _site_policies is None:
            _site_policies = (build_policy(), build_policy(report_only=True))
        for header, policy, exempt, setting in (
            (HEADER, _site_policies[0], "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, _site_policies[1], "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            prefixes = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
            if (policy and header not in response and getattr(response, exempt, False) is False
                    and not request.path_info.startswith(prefixes)):
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response


class DatabaseUnavailableMiddleware:
    """A page whose database went away answers 503 "try again", not a 500: the
    transaction was rolled back, so sending the form again is safe."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError):
            return None
        log.error("Database unavailable during %s %s: %s", request.method, request.path, exception)
        response = render(request, "core/503.html", status=503)
        response["Retry-After"] = "5"
        return response


class NullCharactersMiddleware:
    """Text with a NUL character (``%00`` in a query string, ``\\u0000`` in a JSON body)
    cannot be stored or even compared in PostgreSQL, and the forms refuse it already: a
    request carrying one answers 422 naming the field (400 for a page) before any view
    runs, instead of failing in the database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = self._field_with_null(request)
        if field is None:
            return self.get_response(request)
        message = _("Text may not contain the null character.")
        if request.path.startswith("/api/"):
            from civitas.core.api import error_body

            return JsonResponse(error_body("invalid", message, {field: [message]}), status=422)
        return HttpResponseBadRequest(f"{field}: {message}", content_type="text/plain; charset=utf-8")

    @staticmethod
    def _field_with_null(request: HttpRequest) -> str | None:
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return name.replace("\x00", "") or "__all__"
        if request.content_type == "application/json" and b"\\u0000" in request.body:
            try:
                return _json_field_with_null(json.loads(request.body), "")
            except ValueError:
                return None  # not JSON: the API answers that itself
        return None


def _json_field_with_null(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        return (path or "__all__") if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _json_field_with_null(item, f"{path}.{key}" if path else str(key))
            if found is not None or "\x00" in str(key):
                return found or path or "__all__"
    if isinstance(value, list):
        for item in value:
            found = _json_field_with_null(item, path)
            if found is not None:
                return found
    return None
