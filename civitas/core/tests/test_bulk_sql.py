import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civitas.accounts.models import User
from civitas.core import bulk_sql


def test_local_month_is_the_month_of_the_local_time_at_month_ends(db):
    # given: moments either side of local midnights that are still the previous day in UTC
    moments = [
        dt.datetime(2026, 1, 31, 15, 59, 59, 500_000, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 31, 16, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 31, 16, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 15, 4, 0, tzinfo=dt.UTC),
    ]
    # Twice each: the second read of a value is answered from the memo on SQLite.
    for index, moment in enumerate([*moments, *moments]):
        User.objects.create(username=f"month{index}", date_joined=moment)

    # when
    with CaptureQueriesContext(connection) as queries:
        months = list(
            User.objects.filter(username__startswith="month")
            .annotate(month=bulk_sql.local_month("date_joined"))
            .order_by("pk")
            .values_list("month", flat=True)
        )

    # then
    assert months == [timezone.localtime(moment).date().replace(day=1) for moment in [*moments, *moments]]
    assert months[:4] == [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2027, 1, 1), dt.date(2026, 3, 1)]
    if connection.vendor == "sqlite":
        assert "civitas_datetime_trunc(" in queries.captured_queries[0]["sql"]
