"""CPU per token-authenticated API write, in process, through the WSGI application that
gunicorn serves (every middleware included): a volunteer's own check-in with the shift's
code (the marathon morning, issue #4) and a sign-up (issue #3).

Each request is timed with ``time.process_time`` in this process (Django, ninja,
psycopg) and, on PostgreSQL, with the CPU its database backend used (from /proc: the
server runs on this machine), so a busy shared machine does not distort the figures.
``--profile`` adds a cProfile run of each kind, summed by where the time goes.

    createdb -h 127.0.0.1 -U postgres civitas_bench_cpu
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civitas_bench_cpu \\
        .venv/bin/python bench/api_write_cpu.py --requests 1000 --profile
    dropdb -h 127.0.0.1 -U postgres civitas_bench_cpu

The database named by DATABASE_URL is migrated and filled; use one of its own.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import secrets
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civitas.settings")
os.environ.setdefault("DEBUG", "0")
# One database connection (and so one backend to read the CPU of) for the whole run.
os.environ.setdefault("CONN_MAX_AGE", "3600")


def build(count: int, signup_shifts: int) -> dict:  # type: ignore[type-arg]
    """One recruiting project with a check-in shift (``count`` confirmed volunteers) and
    ``signup_shifts`` later shifts with room for everyone; a token per volunteer."""
    from bench.crowd import crowd

    event = crowd(count, name="测速", project_status="recruiting", later_shifts=signup_shifts)
    return {"check_in_shift": event.shift_id, "signup_shifts": event.later_shift_ids, "tokens": event.tokens}


def environ_for(path: str, token: str, body: dict) -> dict:  # type: ignore[type-arg]
    """What gunicorn hands the application for one POST with a JSON body."""
    data = json.dumps(body).encode()
    return {
        "REQUEST_METHOD": "POST", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "50000", "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT": "*/*", "HTTP_USER_AGENT": "bench",
        "HTTP_ACCEPT_ENCODING": "gzip, deflate", "HTTP_CONNECTION": "keep-alive",
        "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data), "wsgi.url_scheme": "http", "wsgi.version": (1, 0),
        "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }


def call(application: Callable, environ: dict) -> int:  # type: ignore[type-arg]
    status: list[str] = []
    result = application(environ, lambda s, headers, exc_info=None: status.append(s))
    try:
        b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return int(status[0].split()[0])


def backend_pid() -> int:
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0
    connection.ensure_connection()
    return connection.connection.info.backend_pid


def backend_cpu() -> float:
    """Seconds of CPU the database backend serving this process has used (PostgreSQL on
    this machine only; 0 otherwise)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    pid = backend_pid()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


CATEGORIES = [
    ("psycopg (driver)", ("psycopg/", "psycopg_binary/", "psycopg_c/")),
    ("Django ORM and SQL compiling", ("django/db/",)),
    ("ninja, pydantic, JSON", ("ninja/", "pydantic/", "pydantic_core/", "json/", "orjson")),
    ("middleware", ("django/middleware/", "django/contrib/sessions/", "django/contrib/auth/middleware",
                    "django/contrib/messages/", "django_otp/", "axes/", "csp/", "whitenoise/", "django_htmx/",
                    "civitas/accounts/audit", "civitas/accounts/twofactor", "civitas/core/middleware",
                    "civitas/core/db_router")),
    ("Django request, response, URLs", ("django/core/handlers/", "django/http/", "django/urls/",
                                        "django/core/signals", "django/dispatch/")),
    ("translation", ("django/utils/translation/",)),
    ("cache client", ("django/core/cache/", "redis/")),
    ("task queue", ("django_tasks/", "django_tasks_db/")),
    ("Civitas code", ("civitas/",)),
]


def by_category(profile: cProfile.Profile, requests: int) -> list[tuple[str, float]]:
    """Own time (tottime) of every function, summed by the package it lives in, in ms per
    request (cProfile's own overhead inflates the total; the shares are what to read)."""
    totals: dict[str, float] = defaultdict(float)
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.items():
        name = next((label for label, parts in CATEGORIES if any(p in filename for p in parts)), "other (stdlib, C)")
        totals[name] += tottime
    return sorted(((k, v * 1000 / requests) for k, v in totals.items()), key=lambda kv: -kv[1])


def measure(application: Callable, label: str, environs: list[dict], profile: bool) -> None:  # type: ignore[type-arg]
    half = len(environs) // 2 if profile else len(environs)
    timed, profiled = environs[:half], environs[half:]
    statuses: dict[int, int] = defaultdict(int)
    backend = backend_pid()
    database_before, started = backend_cpu(), time.process_time()
    for environ in timed:
        statuses[call(application, environ)] += 1
    cpu = (time.process_time() - started) / len(timed) * 1000
    database = (backend_cpu() - database_before) / len(timed) * 1000
    if backend_pid() != backend:
        print("  (the database connection was replaced during the run: its CPU figure is wrong)")
    print(f"{label:<34} {len(timed):>5} requests {dict(statuses)}: Django process {cpu:.2f} ms CPU, "
          f"database backend {database:.2f} ms CPU per request")
    if profile and profiled:
        profiler = cProfile.Profile(time.process_time)  # CPU, not time waiting for the database
        profiler.enable()
        for environ in profiled:
            call(application, environ)
        profiler.disable()
        rows = by_category(profiler, len(profiled))
        total = sum(ms for _, ms in rows)
        # Python function calls per request: a count, so it does not move with the machine's load.
        calls = pstats.Stats(profiler).total_calls / len(profiled)  # type: ignore[attr-defined]
        print(f"  under cProfile ({len(profiled)} requests, {total:.2f} ms each with its overhead, "
              f"{calls:,.0f} Python function calls each):")
        for name, ms in rows:
            print(f"    {name:<34} {ms:6.2f} ms  {ms / total:5.1%}")
        if os.environ.get("PROFILE_TOP"):
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(int(os.environ["PROFILE_TOP"]))


def drain_queue(label: str, requests: int, profile: bool) -> None:
    """Run what the requests left on the database task queue (the sign-up's notice and
    reminders, and the sending they queue in turn) with django-tasks-db's own worker, in
    this process, so that the work moved off the request is counted too (per request)."""
    import logging

    from django.db.models import Count
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.ready().count()
    if not waiting:
        print(f"{label:<34} nothing queued")
        return
    logging.getLogger("django_tasks").setLevel(logging.WARNING)  # a line per task otherwise

    def worker(max_tasks: int | None) -> Worker:
        return Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                      max_tasks=max_tasks, worker_id="bench", excluded_queue_names=[])

    timed = waiting // 2 if profile else waiting
    database_before, started = backend_cpu(), time.process_time()
    worker(timed).run()
    cpu = (time.process_time() - started) / timed * 1000
    database = (backend_cpu() - database_before) / timed * 1000
    outcomes = {f"{path.rsplit('.', 1)[1]} {status}": n for path, status, n in
                DBTaskResult.objects.values_list("task_path", "status").annotate(n=Count("id")).order_by()}
    # per task times tasks per request: the profiled half is not timed
    print(f"{label:<34} {timed:>5} of {waiting} tasks timed {outcomes}: worker {cpu * waiting / requests:.2f} ms CPU, "
          f"database backend {database * waiting / requests:.2f} ms CPU per request")
    if profile:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        worker(None).run()
        profiler.disable()
        rest = waiting - timed
        rows = by_category(profiler, rest)
        total = sum(ms for _, ms in rows)
        calls = pstats.Stats(profiler).total_calls / rest  # type: ignore[attr-defined]
        print(f"  under cProfile ({rest} tasks, {total:.2f} ms each with its overhead, {calls:,.0f} Python function calls each):")
        for name, ms in rows:
            print(f"    {name:<34} {ms:6.2f} ms  {ms / total:5.1%}")
        if os.environ.get("PROFILE_TOP"):
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(int(os.environ["PROFILE_TOP"]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000, help="check-ins and sign-ups each (one per volunteer)")
    parser.add_argument("--profile", action="store_true", help="profile half of the requests with cProfile")
    parser.add_argument("--middleware", choices=["settings", "none"], default="settings",
                        help="none: the application without any middleware, to see what the stack costs")
    parser.add_argument("--without-event-handlers", action="store_true",
                        help="publish events to no handler (the sign-up's notice and reminders), to see what they cost")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    from civitas.attendance import tokens

    built = build(args.requests + 20, signup_shifts=20)
    if args.middleware == "none":
        settings.MIDDLEWARE = []
    if args.without_event_handlers:
        from civitas.core import events

        events.handlers_for = lambda name: []
    application = get_wsgi_application()
    people, shift_id = built["tokens"], built["check_in_shift"]
    check_in = f"/api/v1/shifts/{shift_id}/checkins"
    # Warm up: the first requests import modules, compile schemas, open the connection.
    for token in people[-20:]:
        call(application, environ_for(check_in, token, {"code": tokens.shift_code(shift_id), "idempotency_key": secrets.token_hex(8)}))
        call(application, environ_for(f"/api/v1/shifts/{built['signup_shifts'][-1]}/signups", token, {}))
    people = people[:-20]
    print(f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[1]}, middleware: {args.middleware}, "
          f"event handlers: {'none' if args.without_event_handlers else 'all'}, load {os.getloadavg()[0]:.1f}")
    measure(application, "new check-in (code)", [
        environ_for(check_in, token, {"code": tokens.shift_code(shift_id), "idempotency_key": secrets.token_hex(8)})
        for token in people
    ], args.profile)
    shifts = built["signup_shifts"]
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()  # only the sign-ups' tasks (a reused database, the warm-up)
    measure(application, "sign-up", [
        environ_for(f"/api/v1/shifts/{shifts[i % len(shifts)]}/signups", token, {})
        for i, token in enumerate(people)
    ], args.profile)
    drain_queue("queued by the sign-ups", len(people), args.profile)


if __name__ == "__main__":
    main()
