"""Results: raw JSON in bench/results/, tables in docs/performance.md, growth across scales."""

from __future__ import annotations

import json
import os
import platform
import re
import sqlite3
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "performance.md"
SCALE_ORDER = ["demo", "small", "medium", "large"]
# A figure that grows more than this much from one scale to the next is flagged.
GROWTH_FLAG = 2.0


def machine(db: str, pg_url: str | None, redis_url: str | None) -> dict[str, str]:
    import django

    info = {
        "nproc": str(os.cpu_count()),
        "memory": "",
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "django": django.get_version(),
    }
    try:
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        total_kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
        info["memory"] = f"{total_kb / 2**20:.1f} GiB"
        cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
        info["cpu"] = next(line for line in cpuinfo if line.startswith("model name")).split(":", 1)[1].strip()
    except (OSError, StopIteration):
        pass
    if db == "sqlite":
        info["database"] = f"SQLite {sqlite3.sqlite_version} (WAL)"
    elif pg_url:
        import psycopg

        with psycopg.connect(pg_url) as conn:
            info["database"] = "PostgreSQL " + conn.execute("SHOW server_version").fetchone()[0].split()[0]
    if redis_url:
        import redis

        info["cache"] = "Redis " + redis.Redis.from_url(redis_url).info()["redis_version"]
    else:
        info["cache"] = "local memory"
    return info


def save(result: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{result['scale']}-{result['db']}.json"
    previous = json.loads(path.read_text()) if path.exists() else {}
    # Running a subset of scenarios keeps the others' last figures.
    merged = {s["name"]: s for s in previous.get("scenarios", [])}
    merged.update({s["name"]: s for s in result["scenarios"]})
    result = {**result, "scenarios": list(merged.values())}
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return path


def load_all(db: str) -> dict[str, dict[str, Any]]:
    found = {}
    for scale in SCALE_ORDER:
        path = RESULTS / f"{scale}-{db}.json"
        if path.exists():
            found[scale] = json.loads(path.read_text())
    return found


def table(result: dict[str, Any]) -> str:
    m = result["machine"]
    seed = result.get("seed") or {}
    lines = [
        f"Measured on {m['nproc']} cores ({m['cpu']}), {m['memory']}; Python {m['python']}, "
        f"Django {m['django']}, {m.get('database', '')}, cache: {m.get('cache', '')}; gunicorn with "
        f"{result['workers']} workers" + (f" × {result['threads']} threads" if result.get("threads", 1) > 1 else " (sync)")
        + f". Data: {seed.get('volunteers', 0):,} volunteers, "
        f"{seed.get('organizations', 0):,} organizations, {seed.get('regions', 0):,} regions"
        + (f" (seeded in {seed['seed_seconds']} s)." if seed.get("seed_seconds") else " (reused)."),
        "",
    ]
    commands: dict[str, str] = {}
    for s in result["scenarios"]:
        commands.setdefault(s.get("command", result["command"]), s.get("started", result["started"]))
    lines += [f"    {command}    # {when}" for command, when in commands.items()]
    lines += [
        "",
        "| scenario | conc. | requests | errors | median ms | p95 ms | p99 ms | req/s | peak RSS MB | load | CPU ms per request: server / database / client |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    skipped = []
    for s in result["scenarios"]:
        if "skipped" in s:
            skipped.append(f"- `{s['name']}`: skipped, {s['skipped']}")
            continue
        lines.append(
            f"| `{s['name']}` | {s['concurrency']}{'' if s.get('clients', 1) == 1 else ' (' + str(s['clients']) + ' clients)'} | {s['requests']:,} | {s['errors']:,} | {s['median_ms']} | "
            f"{s['p95_ms']} | {s['p99_ms']} | {s['throughput']:,} | {s['peak_rss_mb']} | {s.get('load', '')} | "
            f"{_cpu(s)} |"
        )
    notes = [f"- `{s['name']}`: {s['note']}" for s in result["scenarios"] if s.get("note")]
    errors = [
        f"- `{s['name']}` status codes: {s['statuses']}" for s in result["scenarios"] if s.get("errors")
    ]
    return "\n".join([*lines, "", *skipped, *notes, *errors]).rstrip() + "\n"


def _cpu(s: dict[str, Any]) -> str:
    cpu = s.get("cpu_ms")
    if not cpu:
        return ""
    return " / ".join("–" if cpu.get(k) is None else str(cpu[k]) for k in ("server", "database", "client"))


def growth(db: str) -> str:
    """How each figure moves from the smallest measured scale to the larger ones. "median ÷
    healthz" divides by the same run's floor (a request that does one SELECT 1), which
    cancels much of what a busy machine adds and leaves what the data adds."""
    results = load_all(db)
    if len(results) < 2:
        return ""
    scales = list(results)
    names: list[str] = []
    for r in results.values():
        names += [s["name"] for s in r["scenarios"] if "skipped" not in s and s["name"] not in names]
    header = "| scenario | figure | " + " | ".join(scales) + " | growth |"
    lines = [header, "|---|---|" + "---:|" * (len(scales) + 1)]
    flagged = []
    def healthz_median(scale: str) -> float | None:
        found = next((s for s in results[scale]["scenarios"] if s["name"] == "healthz" and "skipped" not in s), None)
        return found["median_ms"] if found and found["median_ms"] else None

    for name in names:
        for figure, label in (("median_ms", "median ms"), ("relative", "median ÷ healthz"), ("p95_ms", "p95 ms"),
                              ("throughput", "req/s"), ("peak_rss_mb", "peak RSS MB")):
            if figure == "relative" and name == "healthz":
                continue
            values = []
            for scale in scales:
                found = next((s for s in results[scale]["scenarios"] if s["name"] == name and "skipped" not in s), None)
                if found and figure == "relative":
                    floor = healthz_median(scale)
                    values.append(round(found["median_ms"] / floor, 2) if floor else None)
                else:
                    values.append(found[figure] if found else None)
            present = [v for v in values if v]
            if len(present) < 2:
                continue
            ratio = present[-1] / present[0]
            # For throughput a fall is the bad direction.
            worse = ratio if figure != "throughput" else (1 / ratio if ratio else 0)
            mark = " ⚠" if worse > GROWTH_FLAG else ""
            if mark:
                flagged.append(f"`{name}` {label} ×{ratio:.1f}")
            cells = " | ".join("–" if v is None else f"{v:,}" for v in values)
            lines.append(f"| `{name}` | {label} | {cells} | ×{ratio:.2f}{mark} |")
    summary = (
        "Grows with the data (more than ×2 from the smallest to the largest measured scale): " + ", ".join(flagged) + "."
        if flagged else "No figure grows more than ×2 with the data."
    )
    return "\n".join(lines) + "\n\n" + summary + "\n"


def write_section(key: str, title: str, body: str, end: str = "bench:end") -> None:
    """Replace the section marked ``key`` in docs/performance.md, or add it before the end
    marker; the other sections stay as they are."""
    text = DOC.read_text() if DOC.exists() else "# Performance\n\n<!-- bench:end -->\n"
    block = f"<!-- {key} -->\n### {title}\n\n{body.rstrip()}\n<!-- /{key} -->"
    pattern = re.compile(rf"<!-- {re.escape(key)} -->.*?<!-- /{re.escape(key)} -->", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    elif f"<!-- {end} -->" in text:
        text = text.replace(f"<!-- {end} -->", block + f"\n\n<!-- {end} -->")
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)


def sort_sections() -> None:
    """Keep the benchmark sections in scale order (small, medium, large; SQLite first)."""
    text = DOC.read_text()
    pattern = re.compile(r"<!-- (bench:(\w+):(\w+)) -->.*?<!-- /\1 -->", re.S)
    blocks = list(pattern.finditer(text))
    if len(blocks) < 2:
        return
    order = sorted(blocks, key=lambda m: (m.group(3), SCALE_ORDER.index(m.group(2)) if m.group(2) in SCALE_ORDER else 9))
    pieces, last = [], 0
    for original, replacement in zip(blocks, order, strict=True):
        pieces += [text[last:original.start()], replacement.group(0)]
        last = original.end()
    DOC.write_text("".join(pieces) + text[last:])
