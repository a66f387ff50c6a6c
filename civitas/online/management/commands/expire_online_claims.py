from typing import Any

from django.core.management.base import BaseCommand

from civitas.online.services import claims_expire


class Command(BaseCommand):
    help = "Mark lapsed claims on online tasks as expired (quotas already ignore them; run it from cron to tidy lists)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = claims_expire()
        self.stdout.write(f"{count} claims expired.")
