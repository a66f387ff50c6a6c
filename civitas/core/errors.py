"""Exceptions that services raise; pages and the API turn them into answers.

``django.core.exceptions.ValidationError`` (bad input, 422), ``PermissionDenied`` (403)
and ``Http404`` are Django's own; ``Conflict`` is a request that is valid in itself but
not in the current state of things (409).
"""

from __future__ import annotations


class Conflict(Exception):
    def __init__(self, message: str, *, code: str = "conflict") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class RateLimited(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
