"""Benchmark: the public home page (and other public pages) under a publicity spike.

Serves Civitas with gunicorn on a seeded database, warms the cache, then measures
requests per second with wrk (``apt-get install wrk``) when it is installed, else with a
small Python load generator (which takes CPU from the server, so it reads low).

    .venv/bin/python bench/home_page.py                 # demo city in var/bench.sqlite3
    .venv/bin/python bench/home_page.py --path / --path /news/ --seconds 15 --workers 3

Not a test: a number to record in docs/performance.md, never asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")


def _env(database: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("SQLITE_PATH", database)
    env["DJANGO_SETTINGS_MODULE"] = "civitas.settings"
    # Plain static storage: the benchmark needs no collected, hashed assets.
    env.setdefault("CIVITAS_TESTING", "1")
    env["PYTHONPATH"] = str(ROOT)
    return env


def prepare(env: dict[str, str], scale: str) -> None:
    subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PYTHON, "manage.py", "seed", "--scale", scale, "--if-empty"], cwd=ROOT, env=env, check=True)


def wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def _fetch(port: int, path: str) -> int:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        head = sock.recv(64)
        while sock.recv(65536):
            pass
    return int(head.split()[1])


def _python_worker(args: tuple[int, str, float]) -> tuple[int, int]:
    port, path, seconds = args
    done = errors = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if _fetch(port, path) == 200:
            done += 1
        else:
            errors += 1
    return done, errors


def measure(port: int, path: str, seconds: int, connections: int) -> tuple[float, str]:
    if shutil.which("wrk"):
        out = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", f"http://127.0.0.1:{port}{path}"],
            capture_output=True, text=True, check=True,
        ).stdout
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
        bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        return rate, f"wrk, {connections} connections" + (f", {bad.group(1)} non-2xx" if bad else "")
    with Pool(connections) as pool:
        results = pool.map(_python_worker, [(port, path, seconds)] * connections)
    done = sum(r[0] for r in results)
    return done / seconds, f"python generator, {connections} processes, {sum(r[1] for r in results)} errors"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=str(ROOT / "var" / "bench.sqlite3"))
    parser.add_argument("--scale", default="demo")
    parser.add_argument("--path", action="append", help="a page to measure (repeatable); default /")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    args = parser.parse_args()
    env = _env(args.database)
    prepare(env, args.scale)
    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    server = subprocess.Popen(
        [GUNICORN, "civitas.wsgi:application", "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers),
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    try:
        wait_for(args.port)
        for path in args.path or ["/"]:
            for _ in range(args.workers * 20):  # every worker's cache warm
                _fetch(args.port, path)
            rate, how = measure(args.port, path, args.seconds, args.connections)
            print(f"{path:<30} {rate:8.0f} requests/s  ({how}; {args.workers} gunicorn workers, {os.cpu_count()} cores)")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
