"""Rows of hand-written SQL turned into Python values the way the ORM turns them, for
the few hot paths that are written in SQL (the API's token look-up, the check-in's one
read; docs/performance.md, "Marathon morning").

``Model.objects.raw()`` does the same but works out, on every call, which columns map to
which fields and which converters apply (about 0.1 ms of CPU per query, a twentieth of a
check-in); here that is worked out once per database connection alias and field list.
The converters are the ORM's own (the backend's, e.g. SQLite's text to an aware datetime,
then the field's ``from_db_value``, e.g. decrypting a personal field), in the ORM's order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections
from django.db.models import Field, Model

_converters: dict[tuple[str, type[Model], tuple[str, ...]], list[tuple[int, list[Any], Any]]] = {}


def _converters_for(alias: str, model: type[Model], fields: Sequence[Field]) -> list[tuple[int, list[Any], Any]]:
    key = (alias, model, tuple(f.attname for f in fields))
    if key not in _converters:
        connection = connections[alias]
        found = []
        for position, field in enumerate(fields):
            column = field.get_col(model._meta.db_table)
            functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if functions:
                found.append((position, functions, column))
        _converters[key] = found
    return _converters[key]


def convert(alias: str, model: type[Model], fields: Sequence[Field], values: Sequence[Any]) -> list[Any]:
    """The database values of ``fields`` (in that order) as the ORM would give them."""
    converted = list(values)
    connection = connections[alias]
    for position, functions, column in _converters_for(alias, model, fields):
        value = converted[position]
        for function in functions:
            value = function(value, column, connection)
        converted[position] = value
    return converted


def instance(alias: str, model: type[Model], values: Sequence[Any], fields: Sequence[Field] | None = None) -> Any:
    """A model instance from the values of all its concrete fields, in ``_meta`` order,
    as the ORM would load it (``SELECT`` of ``columns(model)``); or of ``fields`` only
    (from ``fields_of``), the others deferred, as ``only()`` leaves them."""
    fields = model._meta.concrete_fields if fields is None else fields
    return model.from_db(alias, [f.attname for f in fields], convert(alias, model, fields, values))


def fields_of(model: type[Model], names: Iterable[str] = (), *, leave_out: Iterable[str] = ()) -> list[Field]:
    """Some of the concrete fields of ``model`` (those named, or all but those left out),
    in ``_meta`` order: the order ``Model.from_db`` takes a part of a row in."""
    names, leave_out = set(names), set(leave_out)
    return [f for f in model._meta.concrete_fields
            if (f.name in names if names else True) and f.name not in leave_out]


def columns(model: type[Model], table_alias: str, alias: str = "default", fields: Sequence[Field] | None = None) -> str:
    """``t."id", t."name", ...``: every concrete column of ``model`` (or of ``fields``), in ``_meta`` order."""
    quote = connections[alias].ops.quote_name
    return ", ".join(f"{table_alias}.{quote(f.column)}" for f in (model._meta.concrete_fields if fields is None else fields))


_inserts: dict[tuple[str, type[Model]], tuple[str, list[Field]]] = {}


def insert(obj: Model, *, alias: str = "default", together: tuple[str, Sequence[Any]] | None = None) -> None:
    """Insert ``obj`` as ``obj.save()`` would (each field's ``pre_save`` and
    ``get_db_prep_save``, no signals: the project sends none), through a statement written
    once per model, and set its primary key. ``together`` is an ``UPDATE`` that belongs to
    the same change (a shift's counter with its new sign-up): on PostgreSQL it runs in the
    same statement (a data-modifying ``WITH``), so a refused insert leaves it undone with
    it; elsewhere just before, in the caller's transaction."""
    connection = connections[alias]
    model = type(obj)
    key = (alias, model)
    if key not in _inserts:
        quote = connection.ops.quote_name
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608 (quoted names)
               f"VALUES ({', '.join(['%s'] * len(fields))})")
        if connection.features.can_return_columns_from_insert:
            sql += f" RETURNING {quote(model._meta.pk.column)}"
        _inserts[key] = (sql, fields)
    sql, fields = _inserts[key]
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        if together is not None and connection.vendor == "postgresql":
            cursor.execute(f"WITH together AS ({together[0]}) {sql}", [*together[1], *values])
        else:
            if together is not None:
                cursor.execute(*together)
            cursor.execute(sql, values)
        if connection.features.can_return_columns_from_insert:
            obj.pk = cursor.fetchone()[0]
        else:
            obj.pk = connection.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column)
    obj._state.adding = False
    obj._state.db = alias
