import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civitas.accounts.models import User
from civitas.core import bulk_sql

# Either side of local month ends and of summer-time changes (Europe/Berlin: 29 March and
# 25 October 2026), this year and long ago (before the span of one offset around today).
MOMENTS = [
    dt.datetime(2026, 1, 31, 15, 59, 59, 500_000, tzinfo=dt.UTC),
    dt.datetime(2026, 1, 31, 16, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 31, 21, 30, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 31, 22, 30, tzinfo=dt.UTC),
    dt.datetime(2026, 10, 31, 22, 30, tzinfo=dt.UTC),
    dt.datetime(2026, 10, 31, 23, 30, tzinfo=dt.UTC),
    dt.datetime(2026, 11, 30, 22, 59, 59, tzinfo=dt.UTC),
    dt.datetime(2026, 12, 31, 16, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 12, 31, 23, 0, tzinfo=dt.UTC),
    dt.datetime(2001, 4, 30, 16, 0, tzinfo=dt.UTC),
    dt.datetime(2001, 4, 30, 22, 0, tzinfo=dt.UTC),
]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Europe/Berlin"])
def test_local_month_is_the_month_of_the_local_time(db, zone):
    # given: each moment twice (the second read of a value outside the span of one offset
    # is answered from the memo on SQLite)
    for index, moment in enumerate([*MOMENTS, *MOMENTS]):
        User.objects.create(username=f"month{index}", date_joined=moment)

    # when
    with timezone.override(zone), CaptureQueriesContext(connection) as queries:
        months = list(
            User.objects.filter(username__startswith="month")
            .annotate(month=bulk_sql.local_month("date_joined"))
            .order_by("pk")
            .values_list("month", flat=True)
        )

    # then
    with timezone.override(zone):
        assert months == [timezone.localtime(moment).date().replace(day=1) for moment in [*MOMENTS, *MOMENTS]]
    if zone == "Asia/Shanghai":
        assert months[:2] == [dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    if connection.vendor == "sqlite":
        assert "'start of month'" in queries.captured_queries[0]["sql"]
        assert "civitas_datetime_trunc(" in queries.captured_queries[0]["sql"]


def test_a_zone_without_summer_time_keeps_one_offset_for_years_each_way():
    start, end, offset = bulk_sql._steady_offset("Asia/Shanghai", dt.date(2026, 11, 30))
    assert (start[:4], end[:4], offset) == ("2016", "2036", 8 * 3600)


def test_a_zone_with_summer_time_keeps_its_offset_for_a_season():
    # Berlin leaves summer time at 01:00 UTC on 25 October 2026 and starts it again at
    # 01:00 UTC on 28 March 2027: the span runs between the UTC midnights inside those.
    assert bulk_sql._steady_offset("Europe/Berlin", dt.date(2026, 11, 30)) == (
        "2026-10-26 00:00:00", "2027-03-28 00:00:00", 3600,
    )
