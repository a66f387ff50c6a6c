"""Shared parts of the demo-city generator: scales, the context passed between steps,
bulk inserts and progress. Each app writes its own ``seed.py`` steps; settings.SEED_STEPS
orders them."""

from __future__ import annotations

import gc
import multiprocessing
import queue
import random
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
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


class RowsFromChild:
    """Rows made in a forked child process while this one writes them.

    For rows that cost as much CPU to make as to write (the ledger's, with their random
    choices and hash chain): on two cores the writing and the making overlap. The child
    runs ``make`` exactly as this process would have, so the rows are the same; it sends
    them a batch at a time through a pipe, one batch ahead of the writer at most (memory
    stays flat). Once the rows are all read, ``result`` holds what ``finish`` answered in
    the child, for the state the making changed there (a random stream, a chain's head),
    which this process takes back.

    The child never touches the database: its connection is this process's, inherited
    across the fork. Off Linux (where forking a process that has loaded system frameworks
    is not safe) the rows are made here instead, the same. Iterate once.
    """

    def __init__(self, make: Callable[[], Iterable[tuple[Any, ...]]], finish: Callable[[], Any], batch: int = 10_000):
        self.make, self.finish, self.batch = make, finish, batch
        self.result: Any = None

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        if sys.platform != "linux":
            yield from self.make()
            self.result = self.finish()
            return
        context = multiprocessing.get_context("fork")
        receiving, sending = context.Pipe(duplex=False)
        child = context.Process(target=self._run, args=(sending,), daemon=True)
        # The child flushes the standard streams as it ends: they must hold nothing of ours.
        sys.stdout.flush()
        sys.stderr.flush()
        child.start()
        sending.close()
        try:
            while True:
                kind, payload = receiving.recv()
                if kind == "rows":
                    yield from payload
                elif kind == "done":
                    self.result = payload
                    return
                else:
                    raise RuntimeError(f"Making rows in a child process failed:\n{payload}")
        finally:
            receiving.close()
            if child.is_alive():
                child.terminate()
            child.join()

    def _run(self, sending: Any) -> None:
        gc.disable()  # as in copy_rows: the rows hold no cycles, and the child ends with them
        try:
            for chunk in chunked(self.make(), self.batch):
                sending.send(("rows", chunk))
            sending.send(("done", self.finish()))
        except BaseException:
            sending.send(("failed", traceback.format_exc()))
        finally:
            sending.close()


# Field types whose prepared value is the Python value itself on PostgreSQL.
_PLAIN_FIELDS = {
    models.AutoField, models.BigAutoField, models.IntegerField, models.BigIntegerField, models.SmallIntegerField,
    models.PositiveIntegerField, models.PositiveSmallIntegerField, models.PositiveBigIntegerField,
    models.CharField, models.TextField, models.BooleanField, models.DateField, models.DateTimeField,
    models.DecimalField, models.ForeignKey, models.OneToOneField,
}


# Field types whose prepared value depends on the value alone (unlike an encrypted one).
_REPEATABLE_FIELDS = {models.DateField, models.DateTimeField, models.DecimalField}


def copy_rows(
    model: type[models.Model],
    columns: list[str],
    rows: Iterable[tuple[Any, ...]],
    *,
    ctx: SeedContext | None = None,
    total: int = 0,
    label: str = "",
    batch: int = 50_000,
    binary: bool = False,
    streaming: bool = False,
    as_stored: bool = False,
) -> int:
    """Insert plain tuples (values in ``columns`` order, attribute names such as ``user_id``)
    through the database's bulk path: COPY on PostgreSQL, one prepared multi-row
    ``executemany`` per batch elsewhere (no model instances: building them is most of
    ``bulk_create``'s cost). The cyclic garbage collector rests meanwhile: rows hold no cycles.

    Every value passes through its field's ``get_db_prep_save``, so encrypted columns hold
    ciphertext and JSON columns hold JSON exactly as an ORM save would write them. Returns
    the number of rows written.

    Two options for the biggest tables, both ignored off PostgreSQL:

    - ``binary``: COPY in the binary format, where a datetime costs a quarter of its text
      form. Each value must then be of its column's Python type (``Decimal`` for a decimal
      column, ``datetime`` for a timestamp): the binary format converts nothing.
    - ``streaming``: each batch's rows are made while its COPY runs, so the server stores
      them as they come instead of waiting for the whole batch (on two cores that hides most
      of its work). Only for rows that do not read the database, whose connection is busy
      with the COPY meanwhile.

    With ``as_stored`` the given values are already what each field's ``get_db_prep_save``
    answers on this database (on SQLite a datetime is its UTC text, a decimal its text with
    the field's places) and are written as they come: for a caller that prepares each
    distinct value once for the whole load (the ledger's moments recur across millions of
    rows), where the per-batch memo here would prepare it again in every batch.
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
    postgres = connection.vendor == "postgresql"
    prepare = (lambda chunk: chunk) if as_stored else _preparer(connection, given)

    def prepared(chunk: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        for row in prepare(chunk):
            yield (*row, *constants) if constants else row

    connection.ensure_connection()
    types = _column_types(connection, model._meta.db_table, [*given, *missing]) if postgres and binary else None
    copy_sql = f"COPY {table} ({column_sql}) FROM STDIN" + (" (FORMAT BINARY)" if types else "")
    values_sql = ["%s"] * (len(given) + len(missing))
    if not postgres and constants:
        # The defaults go into the statement as literals, quoted by SQLite itself: bound
        # again for every row they cost about a sixth of the insert (2 µs a ledger row).
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(['quote(%s)'] * len(constants))}", constants)
            literals = cursor.fetchone()
        values_sql[len(given):] = [literal.replace("%", "%%") for literal in literals]
        constants = ()
    insert = f"INSERT INTO {table} ({column_sql}) VALUES ({', '.join(values_sql)})"  # noqa: S608 (quoted names, literals quoted by SQLite)

    def write(chunk: Iterable[tuple[Any, ...]]) -> int:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            if not postgres:
                values = list(prepared(chunk) if not as_stored or constants else chunk)
                cursor.executemany(insert, values)
                return len(values)
            count = 0
            with cursor.cursor.copy(copy_sql) as copy:
                if types:
                    copy.set_types(types)
                for row in prepared(chunk):
                    copy.write_row(row)
                    count += 1
            return count

    size = batch if postgres else min(batch, 10_000)
    batches = _slices(iter(rows), size) if postgres and streaming else chunked(rows, size)
    written = 0
    with _collector_paused():
        for chunk in batches:
            count = write(chunk)
            if not count:
                break
            written += count
            if progress:
                progress.advance(count)
    if progress:
        progress.finish()
    return written


def stored_rows(model: type[models.Model], columns: list[str], rows: Iterable[tuple[Any, ...]],
                batch: int = 50_000) -> Iterator[tuple[Any, ...]]:
    """The rows with each value as its field's ``get_db_prep_save`` answers it on the
    model's database (ciphertext for an encrypted field, JSON text for a JSON field), for
    ``copy_rows(..., as_stored=True)``: where the rows are made in another process
    (``RowsFromChild``), the preparing goes there with the making."""
    connection = connections[router.db_for_write(model)]
    prepare = _preparer(connection, [model._meta.get_field(name) for name in columns])
    for chunk in chunked(rows, batch):
        yield from prepare(chunk)


def _preparer(connection: Any, fields: list[Any]) -> Callable[[Iterable[tuple[Any, ...]]], Iterator[tuple[Any, ...]]]:
    """Prepares a batch of rows for ``fields`` on ``connection``. Only fields whose stored
    value differs from the Python value (encryption, JSON, and on SQLite dates and decimals)
    are prepared row by row, which keeps the per-row cost low."""
    plain = _PLAIN_FIELDS if connection.vendor == "postgresql" else _PLAIN_FIELDS - _REPEATABLE_FIELDS
    prepare = [(index, model_field) for index, model_field in enumerate(fields) if type(model_field) not in plain]

    def prepared(chunk: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        if not prepare:
            yield from chunk
            return
        # Dates, times and decimals prepare the same way every time and recur within a batch
        # (a shift's start on each of its sign-ups): each is prepared once a batch.
        memos: list[tuple[int, Any, dict[Any, Any] | None]] = [
            (index, model_field, {} if type(model_field) in _REPEATABLE_FIELDS else None)
            for index, model_field in prepare
        ]
        for row in chunk:
            values = list(row)
            for index, model_field, memo in memos:
                value = values[index]
                if memo is None:
                    values[index] = model_field.get_db_prep_save(value, connection)
                elif value in memo:
                    values[index] = memo[value]
                else:
                    values[index] = memo[value] = model_field.get_db_prep_save(value, connection)
            yield tuple(values)

    return prepared


def _slices(rows: Iterator[tuple[Any, ...]], size: int) -> Iterator[Iterator[tuple[Any, ...]]]:
    """Batches of ``size`` rows, each made only as it is read; the last one is empty."""
    while True:
        yield islice(rows, size)


def _column_types(connection: Any, table: str, fields: list[Any]) -> list[int] | None:
    """The columns' type oids for a binary COPY, or None (text) when one has no binary adapter."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
            [connection.ops.quote_name(table)],
        )
        oids = dict(cursor.fetchall())
    types = [oids[field.column] for field in fields]
    registry = connection.connection.adapters.types
    return types if all(registry.get(oid) is not None for oid in types) else None


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Millions of fresh tuples wake the cyclic garbage collector every few hundred
    allocations and have it walk everything kept so far, which costs as much as making them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def indexes_deferred(*tables: type[models.Model], ctx: SeedContext | None = None) -> Iterator[None]:
    """Load big tables without their secondary indexes and outgoing foreign keys, and put
    them back once the rows are in. Building an index once over millions of rows costs a
    fraction of keeping it up row by row, and re-adding a foreign key checks all rows in one
    join instead of one lookup a row at commit (unique indexes are checked as they are built,
    so a duplicate still fails the seed). Primary keys and unique constraints stay, so ids
    are handed out and read back as usual. On SQLite the foreign keys stay (they belong to
    the table's definition) and only indexes wait. Nothing else may write to the tables
    meanwhile: the services rely on the indexes that are gone (a sign-up's uniqueness).
    With ``ctx``, putting them back shows as a progress bar."""
    connection = connections[router.db_for_write(tables[0])]
    names = [model._meta.db_table for model in tables]
    quote = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = ANY(%s::regclass[]) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname",
                [names],
            )
            indexes = cursor.fetchall()
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY conname",
                [names],
            )
            foreign_keys = cursor.fetchall()
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608 (placeholders only)
                f"AND tbl_name IN ({', '.join(['%s'] * len(names))}) ORDER BY name",
                names,
            )
            indexes, foreign_keys = cursor.fetchall(), []
        if postgres and connection.in_atomic_block:
            # Rows written earlier in this transaction still owe their deferred foreign key
            # checks, and PostgreSQL alters no table with checks pending: run them now.
            connection.check_constraints()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    try:
        yield
    finally:
        progress = Progress(ctx, "indexes", len(indexes) + len(foreign_keys)) if ctx is not None else None
        # A GIN index builds on one core only, and the checks of two tables' foreign keys
        # are independent: outside a transaction (which another connection could not see
        # into) PostgreSQL does two at a time (side_by_side). GIN indexes first, the longest builds.
        builds = sorted((definition for _name, definition in indexes), key=lambda sql: " USING gin " not in sql)
        _run_all(connection, builds, progress)
        checks = [f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}" for table, name, definition in foreign_keys]
        _run_all(connection, checks, progress)
        with connection.cursor() as cursor:
            # Fresh statistics, so the next steps' queries on these tables plan well (SQLite
            # without them takes the ledger's status index for selective and sorts 4 million
            # entries to find the latest few: 35 s of the medium city's online step).
            if postgres:
                cursor.execute(f"ANALYZE {', '.join(quote(name) for name in names)}")
            else:
                for name in names:
                    cursor.execute(f"ANALYZE {quote(name)}")


def side_by_side(*work: Callable[[], Any], alias: str = "default") -> list[Any]:
    """Run independent pieces of work at once, each in a thread with a database connection
    of its own (one core each on PostgreSQL); answers their results in order. Inside a
    transaction (which the other connections could not see into), or on SQLite (one writer
    at a time), one after the other here."""
    connection = connections[alias]
    if connection.in_atomic_block or connection.vendor != "postgresql" or len(work) < 2:
        return [piece() for piece in work]

    def in_thread(piece: Callable[[], Any]) -> Any:
        try:
            return piece()
        finally:
            connections[alias].close()

    with ThreadPoolExecutor(len(work)) as pool:
        futures = [pool.submit(in_thread, piece) for piece in work]
        return [future.result() for future in futures]


def in_step(items: Iterable[Any], consume: Callable[[Any], None], *, alias: str = "default", ahead: int = 1) -> None:
    """Consume each item in a second thread, with a database connection of its own, while
    this thread makes the next: two statements of one pipeline run on two cores at once.
    Items are consumed in order, at most ``ahead`` waiting. An error on either side stops
    both and is raised here (the consumer's first). Inside a transaction (which another
    connection could not see into) both run here, one after the other."""
    if connections[alias].in_atomic_block:
        for item in items:
            consume(item)
        return
    handoff: queue.Queue[Any] = queue.Queue(maxsize=ahead)
    done = object()

    def work() -> None:
        try:
            while (item := handoff.get()) is not done:
                consume(item)
        finally:
            connections[alias].close()

    def hand(item: Any, future: Any) -> None:
        while True:
            if future.done():
                future.result()  # raises the consumer's error
                raise RuntimeError("the consumer stopped early")
            try:
                handoff.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(work)
        try:
            for item in items:
                hand(item, future)
        finally:
            if not future.done():
                hand(done, future)
            future.result()


def _run_all(connection: Any, statements: list[str], progress: Progress | None) -> None:
    """Run the statements on two connections side by side (one where ``side_by_side``
    runs its work in turn), each taking the next one left."""
    pending = list(reversed(statements))
    lock = threading.Lock()
    # Index sorts and the foreign keys' checking joins in memory rather than in temporary
    # files: the seed's connections only.
    session = ["SET maintenance_work_mem = '512MB'", "SET work_mem = '256MB'"] if connection.vendor == "postgresql" else []

    def work(worker: Any) -> None:
        with worker.cursor() as cursor:
            for sql in session:
                cursor.execute(sql)
            while True:
                with lock:
                    if not pending:
                        break
                    statement = pending.pop()
                cursor.execute(statement)
                with lock:
                    if progress:
                        progress.advance(1)
            for sql in session:
                cursor.execute(f"RESET {sql.split()[1]}")

    # connections[alias] is read in the thread that runs the work: its own connection there.
    side_by_side(*[lambda: work(connections[connection.alias])] * 2, alias=connection.alias)


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
