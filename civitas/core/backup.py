"""Backups of the whole database, and putting one back.

SQLite: SQLite's online backup API copies the live database page by page into a
file, consistent even while the site is writing. PostgreSQL: ``pg_dump`` in its custom
format when it is on PATH (``pg_restore`` puts it back). Anywhere: Django's
``dumpdata`` JSON, the portable fallback that also moves data between the two engines.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
# Rebuilt by migrate from the code, and ids in them differ between databases.
DUMP_EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


def default_path(kind: str) -> Path:
    from django.utils import timezone

    folder = Path(os.environ.get("BACKUP_DIR", settings.BASE_DIR / "var" / "backups"))
    folder.mkdir(parents=True, exist_ok=True)
    suffix = {"sqlite": "sqlite3", "pg": "dump", "json": "json.gz"}[kind]
    return folder / f"civitas-{timezone.now():%Y%m%d-%H%M%S}.{suffix}"


def best_kind() -> str:
    if connection.vendor == "sqlite":
        return "sqlite"
    if connection.vendor == "postgresql" and shutil.which("pg_dump"):
        return "pg"
    return "json"


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return args, env


def backup(path: Path | None = None, kind: str | None = None) -> Path:
    kind = kind or best_kind()
    path = Path(path) if path else default_path(kind)
    if kind == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(str(path))
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif kind == "pg":
        args, env = _pg_env()
        subprocess.run(
            ["pg_dump", "-Fc", "--no-owner", "-f", str(path), *args, connection.settings_dict["NAME"]],
            check=True, env=env, capture_output=True,
        )
    else:
        buffer = io.StringIO()
        call_command("dumpdata", exclude=DUMP_EXCLUDE, natural_foreign=True, stdout=buffer, verbosity=0)
        with gzip.open(path, "wt", encoding="utf-8") as out:
            out.write(buffer.getvalue())
    return path


def detect(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "pg"
    return "json"


def restore(path: Path) -> str:
    """Replace the database's content with the backup's; answers the kind restored."""
    path = Path(path)
    kind = detect(path)
    if kind == "sqlite":
        if connection.vendor != "sqlite":
            raise ValueError("A SQLite backup restores into SQLite; use a JSON backup to change engines.")
        connection.ensure_connection()
        source = sqlite3.connect(str(path))
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    elif kind == "pg":
        if connection.vendor != "postgresql":
            raise ValueError("A pg_dump backup restores into PostgreSQL; use a JSON backup to change engines.")
        args, env = _pg_env()
        connection.close()
        subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
             "-d", connection.settings_dict["NAME"], *args, str(path)],
            check=True, env=env, capture_output=True,
        )
    else:
        call_command("flush", interactive=False, verbosity=0)
        fixture = path if str(path).endswith((".json", ".json.gz")) else path.with_suffix(".json.gz")
        if fixture != path:
            shutil.copyfile(path, fixture)
        call_command("loaddata", str(fixture), verbosity=0)
    return kind
