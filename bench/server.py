"""The system under test: a seeded database of the asked scale and the real server on it
(gunicorn with whitenoise, as ``make run`` serves), in processes of its own."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")

_STATUS_SNIPPET = """
import json, django
django.setup()
from civitas.accounts.models import VolunteerProfile
from civitas.organizations.models import Organization, Region
print(json.dumps({"regions": Region.objects.count(), "organizations": Organization.objects.count(),
                  "volunteers": VolunteerProfile.objects.count()}))
"""


def database_env(scale: str, db: str) -> dict[str, str]:
    """The environment that points Django at the benchmark database of this scale."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH", "CACHE_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="civitas.settings", DEBUG="false", PYTHONPATH=str(ROOT))
    if db == "sqlite":
        env["SQLITE_PATH"] = str(ROOT / "var" / f"bench-{scale}.sqlite3")
    else:
        env["DATABASE_URL"] = f"{PG_SERVER}/civitas_bench_{scale}"
    # Each city's keys of its own in the shared Redis: rate-limit windows are counted per
    # user id, and the small and the large city both have a user 1.
    env["CACHE_KEY_PREFIX"] = f"bench-{scale}-{db}"
    return env


def _manage(env: dict[str, str], *args: str, quiet: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True,
        stdout=subprocess.PIPE if quiet else None,
    )
    return result.stdout or ""


def _status(env: dict[str, str]) -> dict[str, int]:
    output = subprocess.run(
        [PYTHON, "-c", _STATUS_SNIPPET], cwd=ROOT, env=env, check=True, text=True, capture_output=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def fixture(scale: str, db: str, command: str, **arguments: object) -> Any:
    """Run one of ``bench.fixtures``' commands against the benchmark database, in a
    process of its own (the load generator does not load Django), and answer its result."""
    result = subprocess.run(
        [PYTHON, "-m", "bench.fixtures", command, json.dumps(arguments)], cwd=ROOT, env=database_env(scale, db),
        text=True, capture_output=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench.fixtures {command}: {(result.stderr.strip().splitlines() or ['failed'])[-1]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _recreate_postgres(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _postgres_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def prepare_database(scale: str, db: str) -> dict[str, object]:
    """Migrate and seed the benchmark database unless it already holds a city of this scale.
    Returns what was done and how long seeding took (``seed_seconds`` is None when reused)."""
    sys.path.insert(0, str(ROOT))
    from civitas.core.seeding import SCALES

    env = database_env(scale, db)
    if db == "postgres" and not _postgres_exists(f"civitas_bench_{scale}"):
        _recreate_postgres(f"civitas_bench_{scale}")
    _manage(env, "migrate", "--no-input", "-v0")
    status = _status(env)
    size = SCALES[scale]
    regions = 1 + size.districts * (1 + size.streets_per_district * (1 + size.communities_per_street))
    # Scenarios add volunteers (registration), never regions: the region count names the scale.
    if status["regions"] == regions and status["volunteers"] >= size.volunteers:
        print(f"Reusing the {scale} city in the {db} benchmark database ({status['volunteers']:,} volunteers).")
        return {"seed_seconds": None, **status}
    if status["regions"]:
        print(f"The {db} benchmark database holds another city ({status}); rebuilding it.")
        if db == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(env["SQLITE_PATH"] + suffix).unlink(missing_ok=True)
        else:
            _recreate_postgres(f"civitas_bench_{scale}")
        _manage(env, "migrate", "--no-input", "-v0")
    started = time.monotonic()
    _manage(env, "seed", "--scale", scale)
    seconds = time.monotonic() - started
    return {"seed_seconds": round(seconds, 1), **_status(env)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(scale: str, db: str) -> dict[str, str]:
    env = database_env(scale, db)
    # A real cache: Redis beside PostgreSQL (the deployment past one machine), the
    # per-process memory cache with the embedded database (the laptop).
    env["CACHE_URL"] = REDIS_URL if db == "postgres" else "locmemcache://bench"
    env.setdefault("CONN_MAX_AGE", "60")
    # As behind the deployment's load balancer: the client's address is the last
    # X-Forwarded-For hop, so the registration drive comes from many phones, not one
    # address that the per-address limit (10 an hour) stops after ten.
    env["RATELIMIT_TRUST_FORWARDED_FOR"] = "true"
    return env


@contextmanager
def running_server(scale: str, db: str, workers: int, threads: int = 1) -> Iterator[tuple[str, int]]:
    """gunicorn on a free port in its own process group; yields (base URL, master pid)."""
    env = server_env(scale, db)
    _manage(env, "collectstatic", "--no-input", "-v0")
    port = free_port()
    log = open(ROOT / "var" / f"bench-server-{scale}-{db}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "civitas.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--timeout", "60", "--graceful-timeout", "5",
         # Several servers run on this machine at once: none shares the default control socket.
         "--no-control-socket"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited ({process.returncode}); see {log.name}")
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not answer /healthz within 60 s; see {log.name}")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def tree_rss(pid: int) -> int:
    """Resident memory in bytes of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        stack.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


class MemorySampler:
    """Peak RSS of the server's process tree, sampled five times a second in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak = pid, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self._stop.wait(0.2)

    def __enter__(self) -> MemorySampler:
        self.peak = tree_rss(self.pid)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU of one process so far, from /proc (None once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


class CpuMeter:
    """CPU used by the server's process tree and by the PostgreSQL backends serving one
    database, while requests run. Both run on this machine, so /proc tells; sampled twice
    a second in a thread, so a backend that closes (CONN_MAX_AGE) mid-run still counts up
    to its last sample. Other engineers' processes are not counted, whatever the load."""

    def __init__(self, server_pid: int, database_url: str | None = None) -> None:
        self.server_pid, self.database_url = server_pid, database_url
        self._first: dict[tuple[str, int], float] = {}
        self._last: dict[tuple[str, int], float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._connection: object | None = None

    def _backends(self) -> list[int]:
        if not self.database_url:
            return []
        import psycopg

        if self._connection is None:
            self._connection = psycopg.connect(self.database_url, autocommit=True)
        rows = self._connection.execute(  # type: ignore[attr-defined]
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
        return [pid for (pid,) in rows]

    def _sample(self, first: bool) -> None:
        for kind, pids in (("server", _descendants(self.server_pid)), ("database", self._backends())):
            for pid in pids:
                seconds = _cpu_seconds(pid)
                if seconds is None:
                    continue
                # A process first seen mid-run started mid-run: all its CPU is this run's.
                self._first.setdefault((kind, pid), seconds if first else 0.0)
                self._last[(kind, pid)] = seconds

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self._sample(first=False)

    def seconds(self, kind: str) -> float:
        return sum(self._last[key] - self._first[key] for key in self._last if key[0] == kind)

    def __enter__(self) -> CpuMeter:
        self._sample(first=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample(first=False)
        if self._connection is not None:
            self._connection.close()  # type: ignore[attr-defined]
