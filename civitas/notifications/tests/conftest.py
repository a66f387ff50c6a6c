"""Shifts and sign-ups made with the ORM (their services live on another branch), a local
SMTP server, and a text-message outbox."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings
from django.utils import timezone

from civitas.notifications.sms import MemorySmsBackend
from civitas.projects.models import Project, Shift, SignUp


class Collector:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(e.content, policy=email.policy.default) for e in self.envelopes]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[Collector]:
    """A real SMTP server on a free port; Django's SMTP backend points at it."""
    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1", EMAIL_PORT=port, EMAIL_HOST_USER="", EMAIL_HOST_PASSWORD="",
            EMAIL_USE_TLS=False, EMAIL_USE_SSL=False,
        ):
            yield collector
    finally:
        controller.stop()


@pytest.fixture
def sms_outbox() -> Iterator[list[dict[str, str]]]:
    MemorySmsBackend.outbox.clear()
    with override_settings(SMS_BACKEND="civitas.notifications.sms.MemorySmsBackend"):
        yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()


def make_project(cast: Any, **extra: Any) -> Project:
    extra.setdefault("title", "关爱老人")
    extra.setdefault("title_en", "Caring for the elderly")
    return Project.objects.create(
        organization=cast.org_a, region=cast.city.district_a, category="elderly_disabled",
        status="recruiting", created_by=cast.organizer_a, place_name="和平社区服务中心", **extra,
    )


def make_shift(cast: Any, *, starts_at: dt.datetime, project: Project | None = None, **extra: Any) -> Shift:
    return Shift.objects.create(
        project=project or make_project(cast), starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=3),
        capacity=extra.pop("capacity", 10), hours_credited=Decimal("3"), **extra,
    )


def make_signup(shift: Shift, volunteer: Any, status: str = "confirmed", **extra: Any) -> SignUp:
    return SignUp.objects.create(shift=shift, volunteer=volunteer, status=status, **extra)


@pytest.fixture
def shift_tomorrow(cast: Any) -> Shift:
    return make_shift(cast, starts_at=timezone.now() + dt.timedelta(hours=25))
