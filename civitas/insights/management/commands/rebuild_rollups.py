from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from civitas.insights import rollups


class Command(BaseCommand):
    help = "Recompute every dashboard rollup from the ledger, registries, projects and funding."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = rollups.rebuild_all()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
