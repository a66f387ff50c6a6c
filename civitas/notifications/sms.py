"""Text messages through a provider interface.

``settings.SMS_BACKEND`` names the class; a city plugs in its carrier's gateway by
subclassing ``SmsBackend``. A backend raises ``SmsError`` (or any exception) when the
provider refuses or cannot be reached; the delivery is then retried with backoff.
"""

from __future__ import annotations

import logging
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    pass


class SmsBackend:
    def send(self, *, to: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    """The default: writes the text to the log instead of a carrier."""

    def send(self, *, to: str, text: str) -> None:
        logger.info("SMS to %s: %s", to, text)


class MemorySmsBackend(SmsBackend):
    """Keeps sent texts in ``outbox`` (for tests, like Django's locmem mail backend)."""

    outbox: ClassVar[list[dict[str, str]]] = []

    def send(self, *, to: str, text: str) -> None:
        self.outbox.append({"to": to, "text": text})


class FailingSmsBackend(SmsBackend):
    """A provider that is down (for tests and for trying the retry path by hand)."""

    def send(self, *, to: str, text: str) -> None:
        raise SmsError("provider unavailable")


def get_sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()
