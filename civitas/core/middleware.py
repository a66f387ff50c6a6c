from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
