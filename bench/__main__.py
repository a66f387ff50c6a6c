"""``python -m bench --scale S --db sqlite|postgres [--scenarios a,b]``: seed (or reuse) the
benchmark database, start the real server on it, drive every scenario over HTTP, record."""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import sys

from bench import report
from bench.runner import run_scenario
from bench.scenarios import DEFAULT, SCENARIOS
from bench.server import PG_SERVER, REDIS_URL, prepare_database, running_server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", choices=["demo", "small", "medium", "large"], default="small")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--scenarios", default="", help=f"comma-separated, of: {', '.join(SCENARIOS)}")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (make run uses 2, of 4 threads each)")
    parser.add_argument("--threads", type=int, default=4,
                        help="threads per gunicorn worker (gthread, keep-alive); 1 is the sync worker")
    parser.add_argument("--clients", type=int, default=1,
                        help="client processes sharing each scenario's concurrency (for throughput targets)")
    parser.add_argument("--duration", type=float, default=None, help="override every scenario's duration (s)")
    parser.add_argument("--concurrency", type=int, default=None,
                        help="override every scenario's concurrency (latency targets read best at 2: one request per core)")
    parser.add_argument("--no-doc", action="store_true", help="do not touch docs/performance.md")
    args = parser.parse_args(argv)

    names = [n.strip() for n in args.scenarios.split(",") if n.strip()] or DEFAULT
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}; known: {', '.join(SCENARIOS)}")
    command = "python -m bench " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")

    seed = prepare_database(args.scale, args.db)
    pg_url = f"{PG_SERVER}/civitas_bench_{args.scale}" if args.db == "postgres" else None
    results = []
    with running_server(args.scale, args.db, args.workers, args.threads) as (base_url, pid):
        print(f"Server on {base_url} (pid {pid}, {args.workers} workers × {args.threads} threads, {args.db}, {args.scale}).")
        for name in names:
            scenario = SCENARIOS[name]
            if args.duration is not None:
                scenario.duration = args.duration
            if args.concurrency is not None:
                scenario.concurrency = args.concurrency
            result = run_scenario(base_url, scenario, args.scale, pid, clients=args.clients, db=args.db,
                                  database_url=pg_url)
            result.update(command=command, started=started)
            results.append(result)
            if "skipped" in result:
                print(f"  {name:<26} skipped: {result['skipped']}")
            else:
                print(f"  {name:<26} {result['requests']:>7,} req {result['errors']:>5,} err  median "
                      f"{result['median_ms']:>7} ms  p95 {result['p95_ms']:>7} ms  p99 {result['p99_ms']:>7} ms  "
                      f"{result['throughput']:>8,} req/s  peak {result['peak_rss_mb']} MB  load {result['load']}\n"
                      f"  {'':<26} CPU ms per request: server {result['cpu_ms']['server']}, database "
                      f"{result['cpu_ms']['database']}, client {result['cpu_ms']['client']}"
                      + (f"\n  {'':<26} {result['note']}" if result.get("note") else ""))

    record = {
        "scale": args.scale, "db": args.db, "started": started, "command": command, "workers": args.workers, "threads": args.threads,
        "machine": report.machine(args.db, pg_url, REDIS_URL if args.db == "postgres" else None),
        "seed": seed, "scenarios": results,
    }
    path = report.save(record)
    print(f"Raw results: {path.relative_to(report.ROOT)}")
    merged = report.load_all(args.db)[args.scale]
    growth = report.growth(args.db)
    if growth:
        print("\nGrowth with the data:\n" + growth)
    if not args.no_doc:
        db_name = "SQLite" if args.db == "sqlite" else "PostgreSQL"
        report.write_section(f"bench:{args.scale}:{args.db}", f"{args.scale} on {db_name}", report.table(merged))
        report.sort_sections()
        if growth:
            report.write_section(f"growth:{args.db}", f"Growth on {db_name}", growth, end="growth:end")
        print(f"Table written to {report.DOC.relative_to(report.ROOT)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
