"""Domain events: how a lower layer tells higher ones that something happened.

A service calls ``publish("signup.confirmed", signup_id=7)`` explicitly; the handlers
that apps list for that event (``event_handlers`` on their AppConfig, plus any a
deployment names in ``settings.EVENT_HANDLERS``) run once the transaction commits
(never for a rolled-back write). Handlers take ids, not objects, so they can queue
background work. The catalog of events is docs/events.md.
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def handler_names(name: str) -> tuple[str, ...]:
    """The dotted paths of the handlers for one event, in app order. Read on every
    publish (a few dictionary look-ups), so a test may change settings.EVENT_HANDLERS."""
    dotted: list[str] = []
    for config in apps.get_app_configs():
        dotted.extend(getattr(config, "event_handlers", {}).get(name, ()))
    dotted.extend(getattr(settings, "EVENT_HANDLERS", {}).get(name, ()))
    return tuple(dict.fromkeys(dotted))


def handlers_for(name: str) -> list[Any]:
    return [import_string(dotted) for dotted in handler_names(name)]


def publish(name: str, **payload: Any) -> None:
    for handler in handlers_for(name):
        transaction.on_commit(lambda handler=handler: _run(handler, name, payload), robust=True)


def _run(handler: Any, name: str, payload: dict[str, Any]) -> None:
    handler(event=name, **payload)
