from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from civitas.ledger.models import LedgerHead
from civitas.ledger.services import ledger_verify


class Command(BaseCommand):
    help = "Walk the hash chain of approved service records; fail on any entry changed, inserted or deleted."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = ledger_verify()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"The ledger is not intact: {len(problems)} problem(s).")
        head = LedgerHead.objects.filter(pk=1).first()
        self.stdout.write(f"The ledger is intact: {head.sequence if head else 0} chained entries.")
