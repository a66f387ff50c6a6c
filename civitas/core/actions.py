"""The buttons on pages: run one service call and tell the person how it went."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from civitas.core.errors import Conflict


def run_action(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run ``action``; a refusal (bad input or a conflict with the current state) becomes an
    error message on the next page, success a success message. PermissionDenied and Http404
    pass through to their own pages."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
        return True
    return False
