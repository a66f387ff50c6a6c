from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from civitas.insights.interchange import write_interchange


class Command(BaseCommand):
    help = "Write the data interchange zip (docs/interchange.md) to a file; for cities too large to download it from the page."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        with open(options["path"], "wb") as target:
            counts = write_interchange(target)
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
