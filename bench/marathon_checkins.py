"""Marathon morning: many volunteers check in to one event through the API at once.

Builds (in bulk) one shift with ``--count`` confirmed volunteers, each with an API token,
starts gunicorn, and has every volunteer POST /api/v1/shifts/{id}/checkins with the
shift's rotating code, as their phones would after scanning it. A share of the requests
are repeated with the same idempotency key (a flaky network) and some with a new key (a
double tap). Reports throughput, latency percentiles, and checks that every volunteer is
checked in exactly once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civitas_bench \\
        .venv/bin/python bench/marathon_checkins.py --count 20000 --workers 2 --threads 4 --concurrency 8

The database named by DATABASE_URL is migrated and filled; use a database of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civitas.settings")


def build(count: int) -> tuple[int, list[tuple[str, str]]]:
    """Answers the shift id and (token, volunteer number) for every volunteer."""
    import django

    django.setup()
    from bench.crowd import crowd

    event = crowd(count)
    return event.shift_id, list(zip(event.tokens, event.numbers, strict=True))


async def fire(base: str, shift_id: int, people: list[tuple[str, str]], concurrency: int,
               repeat_share: float, tap_share: float, client_kind: str) -> tuple[list[float], dict[int, int], float, float]:
    from bench.loadclient import Client, TransportError
    from civitas.attendance import tokens

    rng = random.Random(7)
    jobs: list[tuple[str, str]] = []
    for token, _number in people:
        key = secrets.token_hex(8)
        jobs.append((token, key))
        if rng.random() < repeat_share:
            jobs.append((token, key))
        if rng.random() < tap_share:
            jobs.append((token, secrets.token_hex(8)))
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    path = f"/api/v1/shifts/{shift_id}/checkins"

    async def worker(client: Client) -> None:
        while not queue.empty():
            token, key = queue.get_nowait()
            started = time.perf_counter()
            for attempt in range(3):
                try:
                    response = await client.post(
                        path, json={"code": tokens.shift_code(shift_id), "idempotency_key": key},
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    break
                except TransportError:
                    # A dropped connection: the phone retries with the same key.
                    statuses[-1] = statuses.get(-1, 0) + 1
                    if attempt == 2:
                        raise
            latencies.append(time.perf_counter() - started)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    async with Client(base, concurrency, kind=client_kind) as client:
        # The event loop's thread only: the CPU meter's thread in this process is not the client.
        cpu, started = time.thread_time(), time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed, cpu = time.perf_counter() - started, time.thread_time() - cpu
    return latencies, statuses, elapsed, cpu


async def warm_up(base: str, requests: int) -> None:
    """Requests with an unknown token (401 after the token's look-up, so each thread opens
    its database connection), a few per worker thread, before the clock starts."""
    from bench.loadclient import Client

    async with Client(base, 8) as client:
        await asyncio.gather(*(
            client.get("/api/v1/me", headers={"Authorization": "Bearer warm-up"}) for _ in range(requests)
        ))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--repeat-share", type=float, default=0.05)
    parser.add_argument("--tap-share", type=float, default=0.02)
    parser.add_argument("--client", choices=["aiohttp", "httpx"], default="aiohttp",
                        help="the load generator's HTTP client (httpx costs about 4x the CPU per request)")
    args = parser.parse_args()
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own.")
    print(f"building {args.count:,} volunteers on one shift…", flush=True)
    shift_id, people = build(args.count)
    env = {**os.environ, "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "civitas.wsgi", "-b", f"127.0.0.1:{args.port}",
         "--workers", str(args.workers), "--threads", str(args.threads), "--log-level", "warning",
         "--no-control-socket"],
        cwd=ROOT, env=env,
    )
    try:
        import urllib.error
        import urllib.request

        base = f"http://127.0.0.1:{args.port}"
        deadline = time.monotonic() + 180
        while True:
            if server.poll() is not None:
                sys.exit("gunicorn did not start")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                sys.exit("gunicorn did not answer within 3 minutes")
            time.sleep(0.5)
        # The event's server has been up for a while before the start: every worker thread
        # has loaded the API (its URLs, schemas) and opened its database connection.
        asyncio.run(warm_up(base, args.workers * args.threads * 4))
        from bench.server import CpuMeter

        load_before = os.getloadavg()[0]
        with CpuMeter(server.pid, os.environ["DATABASE_URL"]) as meter:
            latencies, statuses, elapsed, client_cpu = asyncio.run(
                fire(f"http://127.0.0.1:{args.port}", shift_id, people, args.concurrency, args.repeat_share,
                     args.tap_share, args.client)
            )
        load_after = os.getloadavg()[0]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    from civitas.attendance.models import Attendance, AttendanceEvent

    checked_in = Attendance.objects.filter(shift_id=shift_id).count()
    distinct = Attendance.objects.filter(shift_id=shift_id).values("volunteer_id").distinct().count()
    effective = AttendanceEvent.objects.filter(shift_id=shift_id, is_effective=True).count()
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000

    print(f"requests {len(latencies):,} in {elapsed:.1f}s = {len(latencies) / elapsed:.0f}/s; statuses {statuses}")
    print(f"latency ms: p50 {pct(0.50):.0f}  p95 {pct(0.95):.0f}  p99 {pct(0.99):.0f}  max {ordered[-1] * 1000:.0f}"
          f"  mean {statistics.mean(latencies) * 1000:.0f}")
    n = len(latencies)
    print(f"CPU ms per request: gunicorn {meter.seconds('server') / n * 1000:.2f} / PostgreSQL "
          f"{meter.seconds('database') / n * 1000:.2f} / load generator ({args.client}) {client_cpu / n * 1000:.2f}; "
          f"load average {load_before:.1f} -> {load_after:.1f}; gunicorn {args.workers} x {args.threads} threads, "
          f"concurrency {args.concurrency}")
    print(f"volunteers {args.count:,}; checked in {checked_in:,} (distinct {distinct:,}); effective events {effective:,}")
    print("OK: no duplicate, no loss" if checked_in == distinct == effective == args.count else "FAILED: counts differ")


if __name__ == "__main__":
    main()
