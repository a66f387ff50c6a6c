from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from civitas.attendance.services import close_open_attendance


class Command(BaseCommand):
    help = "Close check-ins still open a day after their shift ended (flagged for review) and mark no-shows."

    def handle(self, *args: Any, **options: Any) -> None:
        closed = close_open_attendance()
        self.stdout.write(f"Closed {closed} open attendance(s).")
