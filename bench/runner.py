"""Drive one scenario against the running server with bounded concurrency and measure it.

One client process with an async client reaches a few hundred requests a second on this
machine; ``clients`` > 1 splits the concurrency and the request numbers (i, i + clients,
...) over that many processes, so a throughput target is not capped by the client."""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import random
import statistics
import time
from collections import Counter
from typing import Any

import httpx

from bench.scenarios import SCENARIOS, Scenario, Session, Skip
from bench.server import MemorySampler

WARMUP = 20


def _percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _client(base_url: str, concurrency: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits)


async def _prepare(session: Session, sc: Scenario) -> None:
    if sc.probe:
        await session.probe(sc.probe)
    if sc.setup:
        await sc.setup(session)


async def _drive(base_url: str, sc: Scenario, scale: str, seed: int, part: int, parts: int,
                 concurrency: int, duration: float | None, server_pid: int) -> dict[str, Any]:
    """Requests part, part + parts, ... of the scenario, ``concurrency`` at a time."""
    async with _client(base_url, concurrency) as client:
        session = Session(client=client, scale=scale, rng=random.Random(seed + part))
        try:
            await _prepare(session, sc)
        except Skip as reason:
            return {"skipped": str(reason)}
        if sc.expect == (200,):
            # Reads warm up first (connections, the server's caches); writes count from the start.
            for i in range(WARMUP):
                await sc.step(session, i)

        latencies: list[float] = []
        statuses: list[int] = []
        # The first answer of each unexpected status, to say why it failed.
        samples: dict[int, str] = {}
        numbers = itertools.count(part, parts)
        started = time.monotonic()
        deadline = started + duration if duration else None

        async def worker() -> None:
            while True:
                i = next(numbers)
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

        # Memory is sampled while requests run, not while setup signs people in.
        with MemorySampler(server_pid) as memory:
            await asyncio.gather(*(worker() for _ in range(concurrency)))
        return {"latencies": latencies, "statuses": statuses, "samples": samples,
                "elapsed": time.monotonic() - started, "peak_rss": memory.peak}


def _drive_in_process(args: tuple[Any, ...]) -> dict[str, Any]:
    base_url, name, scale, seed, part, parts, concurrency, duration, server_pid = args
    return asyncio.run(_drive(base_url, SCENARIOS[name], scale, seed, part, parts, concurrency, duration, server_pid))


async def _verify_session_state(base_url: str, sc: Scenario, scale: str, seed: int) -> Session | dict[str, Any]:
    client = _client(base_url, 4)
    session = Session(client=client, scale=scale, rng=random.Random(seed))
    try:
        if sc.probe:
            await session.probe(sc.probe)
        # Only a scenario that verifies needs the parent's own view of the state before.
        if sc.verify and sc.setup:
            await sc.setup(session)
    except Skip as reason:
        await client.aclose()
        return {"name": sc.name, "skipped": str(reason)}
    return session


def run_scenario(base_url: str, sc: Scenario, scale: str, server_pid: int, seed: int = 2026,
                 clients: int = 1) -> dict[str, Any]:
    duration = sc.duration
    clients = max(1, min(clients, sc.concurrency))
    # The parent probes (a missing endpoint skips the scenario before anything starts) and,
    # for a scenario that verifies, sets up its own view of the state before any request.
    loop = asyncio.new_event_loop()
    try:
        prepared = loop.run_until_complete(_verify_session_state(base_url, sc, scale, seed))
        if isinstance(prepared, dict):
            return prepared
        shares = [sc.concurrency // clients + (1 if k < sc.concurrency % clients else 0) for k in range(clients)]
        jobs = [(base_url, sc.name, scale, seed, k, clients, shares[k], duration, server_pid) for k in range(clients)]
        if clients == 1:
            parts = [_drive_in_process(jobs[0])]
        else:
            with multiprocessing.get_context("fork").Pool(clients) as pool:
                parts = pool.map(_drive_in_process, jobs)
        skipped = [p["skipped"] for p in parts if "skipped" in p]
        if skipped:
            return {"name": sc.name, "skipped": skipped[0]}
        latencies = [x for p in parts for x in p["latencies"]]
        statuses = [x for p in parts for x in p["statuses"]]
        samples: dict[int, str] = {}
        for p in parts:
            for code, text in p["samples"].items():
                samples.setdefault(code, text)
        elapsed = max(p["elapsed"] for p in parts)
        peak_rss = max(p["peak_rss"] for p in parts)
        codes = Counter(statuses)
        if statuses and codes.get(404, 0) == len(statuses):
            return {"name": sc.name, "skipped": "every request answered 404: not on this branch yet"}
        note = loop.run_until_complete(sc.verify(prepared, statuses)) if sc.verify else ""
        loop.run_until_complete(prepared.client.aclose())
    finally:
        loop.close()
    ordered = sorted(latencies)
    errors = sum(n for code, n in codes.items() if code not in sc.expect)
    return {
        "name": sc.name,
        "what": sc.what,
        "target": sc.target,
        "concurrency": sc.concurrency,
        "clients": clients,
        "requests": len(statuses),
        "errors": errors,
        "statuses": {str(code): n for code, n in sorted(codes.items())},
        "seconds": round(elapsed, 2),
        "median_ms": round(statistics.median(ordered) * 1000, 1) if ordered else 0.0,
        "p95_ms": round(_percentile(ordered, 0.95) * 1000, 1),
        "p99_ms": round(_percentile(ordered, 0.99) * 1000, 1),
        "throughput": round(len(statuses) / elapsed, 1) if elapsed else 0.0,
        "peak_rss_mb": round(peak_rss / 2**20, 1),
        "note": note,
        "error_samples": {str(code): text for code, text in samples.items()},
    }
