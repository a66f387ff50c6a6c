"""Set-based writes the ORM has no verb for: ``INSERT … SELECT`` and ``UPDATE … FROM``.

Rebuilding derived tables (totals, rollups) from a ledger of millions of rows must not
pass those rows through Python. The SELECT side is always an ORM queryset, so lookups,
time zones (``TruncMonth(..., tzinfo=...)``), parameters and vendor quirks are Django's
(but for ``local_month`` on SQLite: ``_MonthStart``); only the statement around it is
written here. It is the same SQL on PostgreSQL and on
SQLite (``UPDATE … FROM`` needs SQLite 3.33 or later), except how "differs, NULLs
included" is spelled.

The queryset must end with ``.values(name, ...)``: the names are the target model's
fields, in the order they are selected, unless ``fields`` names them (in that order) where
the selected names cannot be the fields' (an annotation may not shadow a field the query
still reads: ``hours=Sum("hours")`` next to ``Sum("hours", filter=...)``). Ordering the
SELECT by the target's unique key keeps index writes in order (6.4 s instead of 8.4 s for
600,000 LastService rows).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import zoneinfo
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone

# Memory for grouping a whole table (PostgreSQL's work_mem, per sort or hash), sized for
# the large city's biggest grouping, 4.5 million (volunteer, organization) pairs of a few
# dozen bytes (medium, 600,000 pairs, needs 74 MB). A larger grouping spills to disk.
GROUPING_WORK_MEM = "256MB"
_scratch_numbers = itertools.count(1)


@contextmanager
def whole_table_grouping() -> Iterator[None]:
    """Let PostgreSQL group whole tables by hashing in memory, for the statements of this
    block (inside a transaction). With the default work_mem (4MB) it plans an INSERT or
    UPDATE that groups the ledger per volunteer as an index walk in volunteer order,
    which reads a ledger stored in time order at random: 41 s instead of 4 s for 4 million
    entries (a plain SELECT would hash it in parallel, but a statement that writes runs
    no parallel workers). SQLite has no such setting."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('work_mem'), set_config('work_mem', %s, true)", [GROUPING_WORK_MEM])
        previous = cursor.fetchone()[0]
    yield
    # Not reached on an error: rolling the transaction (or savepoint) back restores it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, true)", [previous])


def local_month(expression: Any) -> Cast:
    """The first day of the local month (the current time zone, settings.TIME_ZONE by
    default) of a datetime, as a date, in SQL: what ``timezone.localtime(moment).date()
    .replace(day=1)`` answers in Python."""
    return Cast(_MonthStart(expression, tzinfo=timezone.get_current_timezone()), models.DateField())


class _MonthStart(TruncMonth):
    """TruncMonth, on SQLite in SQLite's own date arithmetic where it can be.

    SQLite has no time zones, so Django truncates there in a Python function that parses
    each value anew (about 8 µs a row: some 80 s of the medium city's seed, whose rollups
    group 4 million entries by local month several times). Within the years around today
    in which the zone keeps one UTC offset (all of them since 1991 for Asia/Shanghai, a
    season for a zone with summer time) the local month is ``datetime(value, '+N
    seconds', 'start of month')``, about as cheap as reading the column; values outside
    that span go through Django's function, memoized (``civitas_datetime_trunc``: the
    ledger holds few distinct start times)."""

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, Any]:
        sql, params = self.as_sql(compiler, connection, **extra_context)
        tzname = self.get_tzname()
        if not sql.startswith("django_datetime_trunc(") or tzname is None or connection.timezone_name != "UTC":
            return sql, params
        fallback = "civitas_" + sql.removeprefix("django_")
        steady = _steady_offset(tzname, timezone.now().date())
        if steady is None:
            return fallback, params
        value, value_params = compiler.compile(self.lhs)
        start, end, offset = steady
        return (
            f"CASE WHEN {value} >= %s AND {value} < %s THEN datetime({value}, %s, 'start of month') ELSE {fallback} END",
            (*value_params, start, *value_params, end, *value_params, f"{offset:+d} seconds", *params),
        )


STEADY_YEARS = 10  # how far from today a span of one UTC offset is looked for, each way


@functools.lru_cache(maxsize=16)
def _steady_offset(tzname: str, today: dt.date) -> tuple[str, str, int] | None:
    """The span of UTC times around ``today``, as SQLite stores them on a UTC connection
    (``[start, end)`` in text order), in which the zone keeps one UTC offset, and that
    offset in seconds; None if it has none of a whole day.

    The offset is read at every UTC midnight, STEADY_YEARS each way (7,300 readings, a few
    milliseconds once a day), so the span runs from the first midnight of the offset
    around today to the last: no time zone changes its offset and back within a day."""
    zone = zoneinfo.ZoneInfo(tzname)
    midnight = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
    days = 365 * STEADY_YEARS

    def offset(day: int) -> dt.timedelta | None:
        return (midnight + dt.timedelta(days=day)).astimezone(zone).utcoffset()

    now = offset(0)
    first = 0
    while first > -days and offset(first - 1) == now:
        first -= 1
    last = 0
    while last < days and offset(last + 1) == now:
        last += 1
    if now is None or first == last:
        return None
    start, end = (str((midnight + dt.timedelta(days=day)).replace(tzinfo=None)) for day in (first, last))
    return start, end, int(now.total_seconds())


def _compiled(
    model: type[models.Model], queryset: models.QuerySet[Any], fields: Sequence[str] | None
) -> tuple[Any, list[str], Any, str, tuple]:
    selected = list(queryset.query.selected or ())
    names = list(fields or selected)
    if not selected or len(names) != len(selected):
        raise ValueError("The queryset must end with .values(...), one for each field of the target.")
    connection = connections[router.db_for_write(model)]
    compiler = queryset.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql(with_col_aliases=True)
    aliases = [alias for _expression, _sql, alias in compiler.select]
    return connection, names, aliases, sql, tuple(params)


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise ValueError(f"{model.__name__}.{name} is not a column.")
    return field


def insert_select(
    model: type[models.Model], queryset: models.QuerySet[Any], *, fields: Sequence[str] | None = None
) -> int:
    """``INSERT INTO model (fields) SELECT …``; answers how many rows were inserted.

    On PostgreSQL the SELECT first fills a temporary table: a statement that writes to a
    table runs no parallel workers, ``CREATE TABLE … AS`` may, so grouping a whole ledger
    (30 million entries at the large scale) runs on every core and only its result, a few
    hundred thousand rows, is inserted in a second statement."""
    connection, names, aliases, sql, params = _compiled(model, queryset, fields)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    targets = [_field(model, name) for name in names]
    columns = ", ".join(quote(target.column) for target in targets)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)
            return cursor.rowcount
        scratch = f"bulk_sql_scratch_{next(_scratch_numbers)}"
        cursor.execute(f"CREATE TEMPORARY TABLE {scratch} AS {sql}", params)
        try:
            # Cast to the columns' types: a NULL selected as such was stored as text.
            values = ", ".join(f"CAST({quote(alias)} AS {target.db_type(connection)})"
                               for alias, target in zip(aliases, targets, strict=True))
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {values} FROM {scratch}")  # noqa: S608 (quoted names)
            return cursor.rowcount
        finally:
            cursor.execute(f"DROP TABLE {scratch}")


def update_from(
    model: type[models.Model],
    queryset: models.QuerySet[Any],
    *,
    match: Sequence[str],
    fields: Sequence[str] | None = None,
    only_changed: bool = False,
) -> int:
    """Set the model's rows whose ``match`` fields equal a row of the queryset to that
    row's other values; with ``only_changed``, only rows where one of them differs (NULLs
    compared as values, decimals compared at their stored places). Answers how many rows
    were updated."""
    connection, names, aliases, sql, params = _compiled(model, queryset, fields)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    source = dict(zip(names, aliases, strict=True))
    targets = {name: _field(model, name) for name in names}
    assignments = ", ".join(
        f"{quote(targets[name].column)} = src.{quote(source[name])}" for name in names if name not in match
    )
    conditions = [f"{table}.{quote(targets[name].column)} = src.{quote(source[name])}" for name in match]
    if only_changed:
        # "IS DISTINCT FROM" is standard, but SQLite spells it "IS NOT" before 3.39.
        differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
        changes = []
        for name in names:
            if name in match:
                continue
            target = targets[name]
            kept = f"{table}.{quote(target.column)}"
            if isinstance(target, models.DecimalField):
                # SQLite keeps decimals as floating point: compare what a read would answer.
                kept = f"ROUND({kept}, {target.decimal_places})"
            changes.append(f"{kept} {differs} src.{quote(source[name])}")
        conditions.append(f"({' OR '.join(changes)})")
    statement = f"UPDATE {table} SET {assignments} FROM ({sql}) src WHERE {' AND '.join(conditions)}"  # noqa: S608 (quoted names)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount
