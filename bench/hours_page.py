"""A volunteer's hours page: time GET /hours/ for the volunteer with the most service
records in a seeded database (in process, through the whole middleware stack).

    make seed SCALE=small    # or any seeded database
    .venv/bin/python bench/hours_page.py --requests 200
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civitas.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings

    # Without collectstatic there is no manifest; plain storage names the same files.
    settings.STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from civitas.ledger.models import ServiceRecord, VolunteerTotals

    totals = VolunteerTotals.objects.order_by("-approved_records").select_related("volunteer").first()
    if totals is None:
        sys.exit("Seed a city first (make seed).")
    client = Client(HTTP_HOST="localhost")
    client.force_login(totals.volunteer, backend="civitas.accounts.backends.IdentifierBackend")
    client.get("/hours/")  # warm up
    timings = []
    for page in range(args.requests):
        started = time.perf_counter()
        response = client.get("/hours/", {"page": page % 5 + 1})
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/hours/")
    ordered = sorted(timings)
    records = ServiceRecord.objects.count()
    print(f"{connection.vendor}; {records:,} service records; volunteer with {totals.approved_records:,} records")
    print(f"GET /hours/ x{len(timings)}: p50 {ordered[len(ordered) // 2] * 1000:.1f} ms, "
          f"p95 {ordered[int(len(ordered) * 0.95)] * 1000:.1f} ms, mean {statistics.mean(timings) * 1000:.1f} ms, "
          f"{len(queries.captured_queries)} queries")


if __name__ == "__main__":
    main()
