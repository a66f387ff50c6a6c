"""Drive one scenario against the running server with bounded concurrency and measure it."""

from __future__ import annotations

import asyncio
import itertools
import random
import statistics
import time
from collections import Counter
from typing import Any

import httpx

from bench.scenarios import Scenario, Session, Skip
from bench.server import MemorySampler

WARMUP = 20


def _percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def _run(base_url: str, sc: Scenario, scale: str, server_pid: int, seed: int) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=sc.concurrency, max_keepalive_connections=sc.concurrency)
    async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits) as client:
        session = Session(client=client, scale=scale, rng=random.Random(seed))
        try:
            if sc.probe:
                await session.probe(sc.probe)
            if sc.setup:
                await sc.setup(session)
        except Skip as reason:
            return {"name": sc.name, "skipped": str(reason)}
        if sc.expect == (200,):
            # Reads warm up first (connections, the server's caches); writes count from the start.
            for i in range(WARMUP):
                await sc.step(session, i)

        latencies: list[float] = []
        statuses: list[int] = []
        # The first answer of each unexpected status, to say why it failed.
        samples: dict[int, str] = {}
        counter = itertools.count()
        started = time.monotonic()
        deadline = started + sc.duration if sc.duration else None

        async def worker() -> None:
            while True:
                i = next(counter)
                if (sc.count is not None and i >= sc.count) or (deadline and time.monotonic() >= deadline):
                    return
                began = time.perf_counter()
                try:
                    response = await sc.step(session, i)
                    status = response.status_code
                    if status not in sc.expect and status not in samples:
                        samples[status] = response.text[:300]
                except httpx.HTTPError as error:
                    status = 0
                    samples.setdefault(0, repr(error)[:300])
                latencies.append(time.perf_counter() - began)
                statuses.append(status)

        with MemorySampler(server_pid) as memory:
            await asyncio.gather(*(worker() for _ in range(sc.concurrency)))
        elapsed = time.monotonic() - started

        codes = Counter(statuses)
        if statuses and codes.get(404, 0) == len(statuses):
            return {"name": sc.name, "skipped": "every request answered 404: not on this branch yet"}
        note = await sc.verify(session, statuses) if sc.verify else ""
        ordered = sorted(latencies)
        errors = sum(n for code, n in codes.items() if code not in sc.expect)
        return {
            "name": sc.name,
            "what": sc.what,
            "target": sc.target,
            "concurrency": sc.concurrency,
            "requests": len(statuses),
            "errors": errors,
            "statuses": {str(code): n for code, n in sorted(codes.items())},
            "seconds": round(elapsed, 2),
            "median_ms": round(statistics.median(ordered) * 1000, 1) if ordered else 0.0,
            "p95_ms": round(_percentile(ordered, 0.95) * 1000, 1),
            "p99_ms": round(_percentile(ordered, 0.99) * 1000, 1),
            "throughput": round(len(statuses) / elapsed, 1) if elapsed else 0.0,
            "peak_rss_mb": round(memory.peak / 2**20, 1),
            "note": note,
            "error_samples": {str(code): text for code, text in samples.items()},
        }


def run_scenario(base_url: str, sc: Scenario, scale: str, server_pid: int, seed: int = 2026) -> dict[str, Any]:
    return asyncio.run(_run(base_url, sc, scale, server_pid, seed))
