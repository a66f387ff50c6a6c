from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand

from civitas.notifications import tasks


class Command(BaseCommand):
    help = (
        "Send the shift reminders and delivery retries that are due, once. Safe to run from "
        "cron or beside workers: rows are claimed, so nothing goes out twice. With --schedule, "
        "queue the self-renewing sweep task instead (make run does this before the worker starts)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--schedule", action="store_true", help="queue the periodic sweep task")

    def handle(self, *args: Any, schedule: bool = False, **options: Any) -> None:
        if schedule:
            queued = tasks.sweep_schedule(after=dt.timedelta(0))
            self.stdout.write("sweep queued" if queued else "sweep already queued (or the backend cannot defer)")
            return
        counts = tasks.sweep_once()
        self.stdout.write(f"reminders sent: {counts['reminders']}, deliveries attempted: {counts['deliveries']}")
