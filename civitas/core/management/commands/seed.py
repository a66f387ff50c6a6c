from __future__ import annotations

import random
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils.module_loading import import_string

from civitas.core.seeding import SCALES, SeedContext, bulk_session


class Command(BaseCommand):
    help = "Build a deterministic demo city (demo, small, medium or large; sizes in DESIGN.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
        parser.add_argument("--seed", type=int, default=2026, help="the same seed builds the same city")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when a city already exists")

    def handle(self, *args: Any, **options: Any) -> None:
        from civitas.organizations.models import Region

        if Region.objects.exists():
            if options["if_empty"]:
                self.stdout.write("The city is already seeded; keeping the data.")
                return
            raise CommandError("The database already holds a city. Seed an empty database (or use --if-empty).")
        if settings.IS_PRODUCTION:
            raise CommandError("The demo city is never seeded with production settings.")
        ctx = SeedContext(scale=SCALES[options["scale"]], rng=random.Random(options["seed"]), out=self.stdout)
        started = time.monotonic()
        ctx.say(f"Seeding the {ctx.scale.name} city (seed {options['seed']})…")
        with bulk_session():
            for dotted in settings.SEED_STEPS:
                step_started = time.monotonic()
                import_string(dotted)(ctx)
                ctx.say(f"  ✓ {dotted.rsplit('.', 1)[-1]} ({time.monotonic() - step_started:.1f}s)")
        if connection.vendor == "postgresql":
            # Fresh planner statistics for every table: without them (autovacuum off, or
            # not yet run) the first queries on a just-seeded city plan from empty tables.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        ctx.say(f"Done in {time.monotonic() - started:.1f}s.")
