"""Drive one scenario against the running server with bounded concurrency and measure it.

One client process (aiohttp, ``bench.loadclient``) costs about 0.4 ms of CPU per request
on this machine; ``clients`` > 1 splits the concurrency and the request numbers (i, i +
clients, ...) over that many processes, so a throughput target is not capped by the
client. The parent process probes and sets the scenario up once (tokens, ids, the state
to verify against) and hands that state to every client process."""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import os
import random
import statistics
import time
from collections import Counter
from typing import Any

from bench.loadclient import Client, TransportError
from bench.scenarios import SCENARIOS, Scenario, Session, Skip
from bench.server import CpuMeter, MemorySampler

WARMUP = 20


def _percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _client(base_url: str, concurrency: int) -> Client:
    return Client(base_url, concurrency, timeout=30)


async def _drive(base_url: str, sc: Scenario, scale: str, db: str, seed: int, part: int, parts: int,
                 concurrency: int, duration: float | None, server_pid: int, state: dict[str, Any]) -> dict[str, Any]:
    """Requests part, part + parts, ... of the scenario, ``concurrency`` at a time."""
    async with _client(base_url, concurrency) as client:
        session = Session(client=client, scale=scale, db=db, rng=random.Random(seed + part), state=dict(state))
        if sc.expect == (200,):
            # Reads warm up first (connections, the server's caches); writes count from the start.
            for i in range(WARMUP):
                await sc.step(session, i)

        latencies: list[float] = []
        statuses: list[int] = []
        # The first answer of each unexpected status, to say why it failed.
        samples: dict[int, str] = {}
        numbers = itertools.count(part, parts)
        # The event loop's own thread: the samplers' threads in this process are not the client.
        cpu_before, started = time.thread_time(), time.monotonic()
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
                except TransportError as error:
                    status = 0
                    samples.setdefault(0, repr(error)[:300])
                latencies.append(time.perf_counter() - began)
                statuses.append(status)

        # Memory is sampled while requests run, not while setup signs people in.
        with MemorySampler(server_pid) as memory:
            await asyncio.gather(*(worker() for _ in range(concurrency)))
        return {"latencies": latencies, "statuses": statuses, "samples": samples,
                "elapsed": time.monotonic() - started, "peak_rss": memory.peak,
                "client_cpu": time.thread_time() - cpu_before}


def _drive_in_process(args: tuple[Any, ...]) -> dict[str, Any]:
    base_url, name, scale, db, seed, part, parts, concurrency, duration, server_pid, state = args
    return asyncio.run(
        _drive(base_url, SCENARIOS[name], scale, db, seed, part, parts, concurrency, duration, server_pid, state)
    )


async def _prepared_session(base_url: str, sc: Scenario, scale: str, db: str, seed: int) -> Session | dict[str, Any]:
    client = _client(base_url, 4)
    session = Session(client=client, scale=scale, db=db, rng=random.Random(seed))
    try:
        if sc.probe:
            await session.probe(sc.probe)
        if sc.setup:
            await sc.setup(session)
    except Skip as reason:
        await client.aclose()
        return {"name": sc.name, "skipped": str(reason)}
    return session


def run_scenario(base_url: str, sc: Scenario, scale: str, server_pid: int, seed: int = 2026,
                 clients: int = 1, db: str = "sqlite", database_url: str | None = None) -> dict[str, Any]:
    duration = sc.duration
    clients = max(1, min(clients, sc.concurrency))
    # The parent probes (a missing endpoint skips the scenario before anything starts) and
    # sets up once: tokens, ids and, for a scenario that verifies, the state before.
    loop = asyncio.new_event_loop()
    try:
        prepared = loop.run_until_complete(_prepared_session(base_url, sc, scale, db, seed))
        if isinstance(prepared, dict):
            return prepared
        shares = [sc.concurrency // clients + (1 if k < sc.concurrency % clients else 0) for k in range(clients)]
        jobs = [(base_url, sc.name, scale, db, seed, k, clients, shares[k], duration, server_pid, prepared.state)
                for k in range(clients)]
        load_before = os.getloadavg()[0]
        with CpuMeter(server_pid, database_url) as cpu:
            if clients == 1:
                parts = [_drive_in_process(jobs[0])]
            else:
                with multiprocessing.get_context("fork").Pool(clients) as pool:
                    parts = pool.map(_drive_in_process, jobs)
        load_after = os.getloadavg()[0]
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
    # CPU per request of the server (gunicorn's processes), its database backends
    # (PostgreSQL only) and the load generator, from /proc: what two cores can carry.
    per_request = 1000 / len(statuses) if statuses else 0.0
    cpu_ms = {"server": round(cpu.seconds("server") * per_request, 2),
              "database": round(cpu.seconds("database") * per_request, 2) if database_url else None,
              "client": round(sum(p["client_cpu"] for p in parts) * per_request, 2)}
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
        "cpu_ms": cpu_ms,
        # Other work on the machine shares its cores: the load beside each figure.
        "load": f"{load_before:.1f} → {load_after:.1f}",
        "note": note,
        "error_samples": {str(code): text for code, text in samples.items()},
    }
