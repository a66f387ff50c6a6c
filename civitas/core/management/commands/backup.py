from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from civitas.core import backup


class Command(BaseCommand):
    help = "Back up the whole database to a file (SQLite backup API, pg_dump, or portable JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", help="the file to write (default: var/backups/civitas-<time>.*)")
        parser.add_argument("--format", choices=["auto", "sqlite", "pg", "json"], default="auto",
                            help="json is portable between SQLite and PostgreSQL")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = None if options["format"] == "auto" else options["format"]
        path = backup.backup(options["output"], kind)
        self.stdout.write(f"Backed up to {path} ({path.stat().st_size:,} bytes).")
