from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from civitas.ledger.services import rollups_rebuild, totals_rebuild


class Command(BaseCommand):
    help = "Recompute volunteer totals, star levels and monthly rollups from the ledger."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = totals_rebuild()
        rollups = rollups_rebuild()
        self.stdout.write(f"Totals of {changed} volunteer(s) corrected; {rollups} monthly rollup rows rebuilt.")
