"""A small, hand-countable city for the insights tests.

Time stands at 2026-06-15 12:00 in Shanghai, so "the last twelve months" starts on
2025-07-01 and "this year" is 2026. On top of the shared cast: four approved ledger
entries and one pending one, made through the ledger services.

    volunteer   (home: community A)  org A  2026-03-10  3.00 h attendance
    volunteer                         org A  2026-05-02  2.50 h online
    volunteer2  (home: community B)  org B  2025-05-20  4.00 h attendance  (over a year ago)
    volunteer2                        org A  2026-06-01  1.00 h manual
    volunteer                         org B  2026-06-02  5.00 h pending, never counted
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civitas.insights import rollups
from civitas.ledger import services as ledger
from civitas.ledger.models import ServiceRecord

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen_time() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def approved_record(cast: Any, volunteer: Any, organization: Any, day: dt.date, hours: str, source: str = "attendance", approver: Any = None) -> ServiceRecord:
    started = dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=SHANGHAI)
    record = ledger.record_create(
        volunteer=volunteer, organization=organization, started_at=started,
        ended_at=started + dt.timedelta(hours=float(hours)), hours=Decimal(hours), source=source,
    )
    return ledger.record_approve(record=record, approver=approver or cast.organizer_a)


@dataclass
class SmallCity:
    cast: Any
    records: list[ServiceRecord]


@pytest.fixture
def small_city(cast: Any, django_capture_on_commit_callbacks: Any) -> SmallCity:
    rollups.rebuild_all()
    with django_capture_on_commit_callbacks(execute=True):
        records = [
            approved_record(cast, cast.volunteer, cast.org_a, dt.date(2026, 3, 10), "3.00"),
            approved_record(cast, cast.volunteer, cast.org_a, dt.date(2026, 5, 2), "2.50", source="online"),
            approved_record(cast, cast.volunteer2, cast.org_b, dt.date(2025, 5, 20), "4.00", approver=cast.organizer_b),
            approved_record(cast, cast.volunteer2, cast.org_a, dt.date(2026, 6, 1), "1.00", source="manual"),
        ]
        started = dt.datetime(2026, 6, 2, 9, tzinfo=SHANGHAI)
        ledger.record_create(
            volunteer=cast.volunteer, organization=cast.org_b, started_at=started,
            ended_at=started + dt.timedelta(hours=5), hours=Decimal("5"), source="attendance",
        )
    return SmallCity(cast, records)
