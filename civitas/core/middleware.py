from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

log = logging.getLogger("civitas")


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
            return JsonResponse(
                {"error": {"code": "invalid", "message": message, "fields": {field: [message]}}}, status=422
            )
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
