"""Shared parts of the demo-city generator: scales, the context passed between steps,
bulk inserts and progress. Each app writes its own ``seed.py`` steps; settings.SEED_STEPS
orders them."""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.db import connections, models, router, transaction


@dataclass(frozen=True)
class Scale:
    name: str
    volunteers: int
    organizations: int
    projects: int
    shifts: int
    service_records: int
    districts: int
    streets_per_district: int
    communities_per_street: int


SCALES = {
    "demo": Scale("demo", 200, 20, 40, 200, 2_000, 4, 2, 3),
    "small": Scale("small", 10_000, 500, 2_000, 20_000, 200_000, 6, 5, 6),
    "medium": Scale("medium", 200_000, 5_000, 40_000, 400_000, 4_000_000, 10, 8, 10),
    "large": Scale("large", 1_500_000, 20_000, 200_000, 2_000_000, 30_000_000, 16, 12, 12),
}


@dataclass
class SeedContext:
    scale: Scale
    rng: random.Random
    out: TextIO = sys.stdout
    quiet: bool = False
    # What one step leaves for the next: ids and the like, keyed by name.
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def is_demo(self) -> bool:
        return self.scale.name == "demo"

    def say(self, message: str) -> None:
        if not self.quiet:
            self.out.write(message + "\n")
            self.out.flush()


class Progress:
    """A one-line progress bar on the terminal: ``people ██████░░░░ 60% 900k/1.5M 12s``."""

    def __init__(self, ctx: SeedContext, label: str, total: int) -> None:
        self.ctx, self.label, self.total = ctx, label, max(total, 1)
        self.done = 0
        self.started = time.monotonic()
        self.last_drawn = 0.0

    def advance(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if self.done >= self.total:
            self.total = self.done
        if now - self.last_drawn > 0.5 or self.done >= self.total:
            self.last_drawn = now
            self._draw(final=self.done >= self.total)

    def finish(self) -> None:
        if self.done < self.total:
            self.total = self.done or 1
            self._draw(final=True)

    def _draw(self, final: bool = False) -> None:
        if self.ctx.quiet:
            return
        share = min(self.done / self.total, 1.0)
        bar = "█" * int(share * 24) + "░" * (24 - int(share * 24))
        elapsed = time.monotonic() - self.started
        self.ctx.out.write(f"\r  {self.label:<18} {bar} {share:>4.0%} {self.done:>10,}/{self.total:,} {elapsed:6.1f}s")
        if final:
            self.ctx.out.write("\n")
        self.ctx.out.flush()


def chunked(iterable: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def bulk_insert(
    ctx: SeedContext, model: type[models.Model], rows: Iterable[models.Model], total: int, label: str, batch: int = 5000
) -> None:
    """Insert many rows in batches, one transaction per batch, with a progress bar."""
    progress = Progress(ctx, label, total)
    for chunk in chunked(rows, batch):
        with transaction.atomic():
            model.objects.bulk_create(chunk, batch_size=batch)
        progress.advance(len(chunk))
    progress.finish()


# Field types whose prepared value is the Python value itself on PostgreSQL.
_PLAIN_FIELDS = {
    models.AutoField, models.BigAutoField, models.IntegerField, models.BigIntegerField, models.SmallIntegerField,
    models.PositiveIntegerField, models.PositiveSmallIntegerField, models.PositiveBigIntegerField,
    models.CharField, models.TextField, models.BooleanField, models.DateField, models.DateTimeField,
    models.DecimalField, models.ForeignKey, models.OneToOneField,
}


def copy_rows(
    model: type[models.Model],
    columns: list[str],
    rows: Iterable[tuple[Any, ...]],
    *,
    ctx: SeedContext | None = None,
    total: int = 0,
    label: str = "",
    batch: int = 50_000,
) -> int:
    """Insert plain tuples (values in ``columns`` order, attribute names such as ``user_id``)
    through the database's bulk path: COPY on PostgreSQL, one prepared multi-row
    ``executemany`` per batch elsewhere (no model instances: building them is most of
    ``bulk_create``'s cost).

    On PostgreSQL ``rows`` is read while the COPY is open, so it must not query the same
    database: read what it needs before the call.

    Every value passes through its field's ``get_db_prep_save``, so encrypted columns hold
    ciphertext and JSON columns hold JSON exactly as an ORM save would write them. Returns
    the number of rows written.
    """
    connection = connections[router.db_for_write(model)]
    progress = Progress(ctx, label or model._meta.verbose_name_plural, total) if ctx is not None else None
    given = [model._meta.get_field(name) for name in columns]
    # No NOT NULL column is left out: the ones not given get the field's Python default, as
    # the ORM would write it (Django's defaults are not database defaults).
    missing = [
        f for f in model._meta.concrete_fields
        if f not in given and not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
    ]
    constants = tuple(f.get_db_prep_save(f.get_default(), connection) for f in missing)
    table = connection.ops.quote_name(model._meta.db_table)
    column_sql = ", ".join(connection.ops.quote_name(f.column) for f in [*given, *missing])
    # Only fields whose stored value differs from the Python value (encryption, JSON, and on
    # SQLite dates and decimals) are prepared row by row, which keeps the per-row cost low.
    postgres = connection.vendor == "postgresql"
    plain = _PLAIN_FIELDS if postgres else _PLAIN_FIELDS - {models.DateField, models.DateTimeField, models.DecimalField}
    prepare = [(index, field) for index, field in enumerate(given) if type(field) not in plain]

    def prepared(chunk: list[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        for row in chunk:
            if prepare:
                values = list(row)
                for index, field in prepare:
                    values[index] = field.get_db_prep_save(values[index], connection)
                row = tuple(values)
            yield (*row, *constants) if constants else row

    connection.ensure_connection()
    insert = f"INSERT INTO {table} ({column_sql}) VALUES ({', '.join(['%s'] * (len(given) + len(missing)))})"  # noqa: S608 (quoted model names)
    written = 0
    if postgres:
        # One COPY for the whole load, its data sent by a writer thread, so PostgreSQL
        # takes in one chunk while Python prepares the next.
        from psycopg.copy import QueuedLibpqWriter

        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({column_sql}) FROM STDIN", writer=QueuedLibpqWriter(raw)) as copy:
                for chunk in chunked(rows, batch):
                    for row in prepared(chunk):
                        copy.write_row(row)
                    written += len(chunk)
                    if progress:
                        progress.advance(len(chunk))
    else:
        for chunk in chunked(rows, min(batch, 10_000)):
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.executemany(insert, list(prepared(chunk)))
            written += len(chunk)
            if progress:
                progress.advance(len(chunk))
    if progress:
        progress.finish()
    return written


@contextmanager
def indexes_deferred(model: type[models.Model]) -> Iterator[None]:
    """On PostgreSQL, drop a table's secondary indexes for a bulk load and build them again
    afterwards: one sorted build is far cheaper than updating each index row by row. The
    primary key and the indexes behind constraints stay (they may be needed to check the
    load itself). Elsewhere, and inside a transaction (where the deferred foreign-key
    checks of the load forbid building an index; loads that small do not need this),
    nothing changes."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [connection.ops.quote_name(model._meta.db_table)],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")  # regclass text: already quoted where needed
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@contextmanager
def bulk_session() -> Iterator[None]:
    """Loosen durability for the seeding connection only: a crash mid-seed means seeding
    again anyway, and the server's other connections keep their settings."""
    connection = connections["default"]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous=OFF")
        elif connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA synchronous=NORMAL")
            elif connection.vendor == "postgresql":
                cursor.execute("SET synchronous_commit = on")
