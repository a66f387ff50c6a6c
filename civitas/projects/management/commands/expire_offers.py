from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from civitas.projects.services import offers_expire


class Command(BaseCommand):
    help = "Withdraw waitlist offers whose time ran out and offer each place to the next in line."

    def handle(self, *args: Any, **options: Any) -> None:
        count = offers_expire()
        self.stdout.write(f"{count} offer(s) expired")
