"""Shared parts of the demo-city generator: scales, the context passed between steps,
bulk inserts and progress. Each app writes its own ``seed.py`` steps; settings.SEED_STEPS
orders them."""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.db import models, transaction


@dataclass(frozen=True)
class Scale:
    name: str
    volunteers: int
    organizations: int
    projects: int
    shifts: int
    service_records: int
    districts: int
    streets_per_district: int
    communities_per_street: int


SCALES = {
    "demo": Scale("demo", 200, 20, 40, 200, 2_000, 4, 2, 3),
    "small": Scale("small", 10_000, 500, 2_000, 20_000, 200_000, 6, 5, 6),
    "medium": Scale("medium", 200_000, 5_000, 40_000, 400_000, 4_000_000, 10, 8, 10),
    "large": Scale("large", 1_500_000, 20_000, 200_000, 2_000_000, 30_000_000, 16, 12, 12),
}


@dataclass
class SeedContext:
    scale: Scale
    rng: random.Random
    out: TextIO = sys.stdout
    quiet: bool = False
    # What one step leaves for the next: ids and the like, keyed by name.
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def is_demo(self) -> bool:
        return self.scale.name == "demo"

    def say(self, message: str) -> None:
        if not self.quiet:
            self.out.write(message + "\n")
            self.out.flush()


class Progress:
    """A one-line progress bar on the terminal: ``people ██████░░░░ 60% 900k/1.5M 12s``."""

    def __init__(self, ctx: SeedContext, label: str, total: int) -> None:
        self.ctx, self.label, self.total = ctx, label, max(total, 1)
        self.done = 0
        self.started = time.monotonic()
        self.last_drawn = 0.0

    def advance(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if self.done >= self.total:
            self.total = self.done
        if now - self.last_drawn > 0.5 or self.done >= self.total:
            self.last_drawn = now
            self._draw(final=self.done >= self.total)

    def finish(self) -> None:
        if self.done < self.total:
            self.total = self.done or 1
            self._draw(final=True)

    def _draw(self, final: bool = False) -> None:
        if self.ctx.quiet:
            return
        share = min(self.done / self.total, 1.0)
        bar = "█" * int(share * 24) + "░" * (24 - int(share * 24))
        elapsed = time.monotonic() - self.started
        self.ctx.out.write(f"\r  {self.label:<18} {bar} {share:>4.0%} {self.done:>10,}/{self.total:,} {elapsed:6.1f}s")
        if final:
            self.ctx.out.write("\n")
        self.ctx.out.flush()


def chunked(iterable: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def bulk_insert(
    ctx: SeedContext, model: type[models.Model], rows: Iterable[models.Model], total: int, label: str, batch: int = 5000
) -> None:
    """Insert many rows in batches, one transaction per batch, with a progress bar."""
    progress = Progress(ctx, label, total)
    for chunk in chunked(rows, batch):
        with transaction.atomic():
            model.objects.bulk_create(chunk, batch_size=batch)
        progress.advance(len(chunk))
    progress.finish()
