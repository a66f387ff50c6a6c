"""Benchmark: the city dashboard and /api/v1/stats read rollups, at any size.

Builds a city of the chosen scale in an EMPTY PostgreSQL database (the seed steps for
regions, organizations and people, then approved ledger entries generated inside the
database with generate_series, since the ledger's own seed is not needed to measure reads),
rebuilds the totals and the rollups (timed), then measures:

* the city dashboard page (GET /insights/region/<city>/, rendered, signed in as city staff),
* GET /api/v1/stats?scope=city,
* the same headline figures aggregated from raw records (what a page would cost without
  rollups),
* one approval taking its entry into the rollups (record_approve + the event handler).

Usage (takes minutes at medium, about an hour at large; ``--seeded`` measures a city that
``manage.py seed`` built instead, e.g. the benchmark suite's ``civitas_bench_large``):

    createdb -h 127.0.0.1 -U postgres civitas_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civitas_bench \\
        .venv/bin/python bench/insights_dashboard.py --scale large

Results go to stdout as a Markdown table (docs/performance.md keeps them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civitas.settings")
# Plain static files and tasks run at once: the bench measures queries, not the worker.
os.environ.setdefault("CIVITAS_TESTING", "1")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from civitas.core.seeding import SCALES, Scale, SeedContext  # noqa: E402

CHUNK = 1_000_000


def timed(label: str, function, runs: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    result = {"p50": statistics.median(samples), "p95": p95, "runs": runs}
    print(f"  {label}: p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms ({runs} runs)", flush=True)
    return result


def build(scale: Scale, records: int) -> None:
    from civitas.organizations.models import Region

    if Region.objects.exists():
        print("The database already holds a city; measuring it as it is.", flush=True)
        return
    from civitas.accounts.services import user_create_staff
    from civitas.organizations.services import committee_assign

    ctx = SeedContext(scale=scale, rng=random.Random(2026))
    for dotted in ("civitas.organizations.seed.seed_regions", "civitas.organizations.seed.seed_organizations"):
        started = time.monotonic()
        import_string(dotted)(ctx)
        print(f"  ✓ {dotted.rsplit('.', 1)[-1]} ({time.monotonic() - started:.0f}s)", flush=True)
    staff = user_create_staff(username="bench-city-staff", password="!", real_name="bench")
    committee_assign(user=staff, region=ctx.data["city"])
    started = time.monotonic()
    with connection.cursor() as cursor:
        # People are generated in the database too: the bench needs many registered
        # volunteers with home communities, not realistic profiles.
        cursor.execute(
            f"""
            INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, is_staff, is_active,
                                       date_joined, email, mobile, mobile_digest, language)
            SELECT '!', false, 'bench' || g, '', '', false, true, now(), NULL, '', NULL, 'zh-hans'
            FROM generate_series(1, {scale.volunteers}) AS g
            """
        )
        cursor.execute("CREATE TEMP TABLE bench_communities AS SELECT row_number() OVER (ORDER BY id) AS rn, id "
                       "FROM organizations_region WHERE level = 'community'")
        cursor.execute("SELECT count(*) FROM bench_communities")
        communities = cursor.fetchone()[0]
        cursor.execute(
            f"""
            INSERT INTO accounts_volunteerprofile (
                volunteer_number, real_name, display_name, id_type, id_number, id_number_digest, birth_date, gender,
                interests, availability, languages, emergency_contact_name, emergency_contact_mobile, guardian_name,
                guardian_relation, guardian_mobile, guardian_consent_at, registered_by_guardian,
                privacy_consent_version, privacy_consent_at, is_profile_public, bio, created_at, home_community_id,
                user_id
            )
            SELECT 'B' || u.id, '志愿者', '', '', '', NULL, NULL, '', '[]'::jsonb, '{{}}'::jsonb, '', '', '', '', '',
                   '', NULL, false, '2026-01', now(), false, '',
                   now() - ((u.id * 7919) % (5 * 365 * 24)) * interval '1 hour', c.id, u.id
            FROM accounts_user u JOIN bench_communities c ON c.rn = (u.id * 104729) % {communities} + 1
            WHERE u.username LIKE 'bench%' AND u.username <> 'bench-city-staff'
            """
        )
        print(f"  ✓ people ({time.monotonic() - started:.0f}s)", flush=True)
        cursor.execute(
            "CREATE TEMP TABLE bench_volunteers AS "
            "SELECT row_number() OVER (ORDER BY user_id) AS rn, user_id FROM accounts_volunteerprofile"
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_organizations AS "
            "SELECT row_number() OVER (ORDER BY id) AS rn, id, region_id FROM organizations_organization "
            "WHERE status = 'approved'"
        )
        cursor.execute("CREATE UNIQUE INDEX ON bench_volunteers (rn)")
        cursor.execute("CREATE UNIQUE INDEX ON bench_organizations (rn)")
        cursor.execute("SELECT count(*) FROM bench_volunteers")
        volunteers = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM bench_organizations")
        organizations = cursor.fetchone()[0]
        # Three years of service, a tenth of it online, spread over volunteers by
        # multiplicative hashing (deterministic, no clustering).
        minutes = 3 * 365 * 24 * 60
        for first in range(1, records + 1, CHUNK):
            last = min(first + CHUNK - 1, records)
            cursor.execute(
                f"""
                INSERT INTO ledger_servicerecord (
                    volunteer_id, organization_id, region_id, project_id, shift_id, started_at, ended_at, hours,
                    source, status, review_level, flags, note, corrects_id, created_by_id, created_at,
                    decided_by_id, decided_at, decision_reason, idempotency_key, sequence, previous_hash, entry_hash
                )
                SELECT v.user_id, o.id, o.region_id, NULL, NULL, t.started, t.started + interval '2 hours',
                       (1 + (g % 8) * 0.5)::numeric(7, 2),
                       CASE WHEN g % 10 = 0 THEN 'online' ELSE 'attendance' END, 'approved', 'organization',
                       '[]'::jsonb, '', NULL, NULL, t.started, NULL, t.started, '', NULL, g, '', ''
                FROM generate_series({first}, {last}) AS g
                CROSS JOIN LATERAL (
                    SELECT now() - ((g::bigint * 7919) % {minutes}) * interval '1 minute' AS started
                ) AS t
                JOIN bench_volunteers v ON v.rn = (g::bigint * 104729) % {volunteers} + 1
                -- each volunteer serves with at most three organizations
                JOIN bench_organizations o
                  ON o.rn = (v.user_id * 15485863 + (g % 3) * 7919) % {organizations} + 1
                """
            )
            print(f"  records {last:,}/{records:,} ({time.monotonic() - started:.0f}s)", flush=True)
        # The generated entries hold chain places 1..records: the next approval takes the one after.
        cursor.execute(
            "INSERT INTO ledger_ledgerhead (id, sequence, entry_hash) VALUES (1, %s, '') "
            "ON CONFLICT (id) DO UPDATE SET sequence = EXCLUDED.sequence",
            [records],
        )
        cursor.execute("ANALYZE")
    print(f"  ✓ service records ({time.monotonic() - started:.0f}s)", flush=True)


def raw_figures(city_path: str) -> dict[str, object]:
    """The headline figures straight from raw records: what the page would cost without rollups."""
    from civitas.accounts.models import VolunteerProfile
    from civitas.insights.selectors import active_cutoff
    from civitas.ledger.models import ServiceRecord
    from civitas.organizations.models import Organization, Region
    from civitas.projects.models import Project

    approved = ServiceRecord.objects.filter(status="approved", region__path__startswith=city_path)
    cutoff = timezone.make_aware(dt.datetime.combine(active_cutoff(), dt.time()))
    year_start = timezone.make_aware(dt.datetime(timezone.localdate().year, 1, 1))
    return {
        "registered": VolunteerProfile.objects.filter(home_community__path__startswith=city_path).count(),
        "population": Region.objects.filter(level="district").aggregate(p=Sum("population"))["p"],
        "active": approved.filter(started_at__gte=cutoff, hours__gt=0).aggregate(n=Count("volunteer", distinct=True))["n"],
        "hours": approved.aggregate(h=Sum("hours"))["h"],
        "year": approved.filter(started_at__gte=year_start).aggregate(h=Sum("hours"))["h"],
        "projects": Project.objects.filter(region__path__startswith=city_path).count(),
        "organizations": Organization.objects.filter(status="approved", region__path__startswith=city_path).count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(SCALES), default="medium")
    parser.add_argument("--records", type=int, help="service records (default: the scale's)")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--keep-rollups", action="store_true", help="measure an already built city without rebuilding")
    parser.add_argument("--seeded", action="store_true",
                        help="measure the city `manage.py seed` built in this database (no building, no rebuilding)")
    options = parser.parse_args()
    if not settings.IS_POSTGRES:
        print("Set DATABASE_URL to an empty PostgreSQL database.")
        sys.exit(2)
    scale = SCALES[options.scale]
    records = options.records or scale.service_records
    if not options.seeded:
        print(f"Building the {scale.name} city with {records:,} service records…", flush=True)
        call_command("migrate", verbosity=0)
        build(scale, records)

    from civitas.accounts.models import User
    from civitas.insights import rollups, selectors
    from civitas.ledger import services as ledger
    from civitas.ledger.models import ServiceRecord
    from civitas.organizations.models import CommitteeAssignment, Organization

    rebuild_seconds = 0.0
    if not (options.keep_rollups or options.seeded):
        # What `manage.py rebuild_totals` does (and the seed's last ledger step).
        started = time.monotonic()
        changed = ledger.totals_rebuild()
        print(f"  rebuild_totals, totals: {time.monotonic() - started:.0f}s ({changed:,} volunteers)", flush=True)
        started = time.monotonic()
        rows = ledger.rollups_rebuild()
        print(f"  rebuild_totals, monthly rollups: {time.monotonic() - started:.0f}s ({rows:,} rows)", flush=True)
        started = time.monotonic()
        counts = rollups.rebuild_all()
        rebuild_seconds = time.monotonic() - started
        print(f"  rebuild_rollups: {rebuild_seconds:.0f}s {counts}", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    city = selectors.city_region()
    staff = CommitteeAssignment.objects.filter(region=city, role="staff").select_related("user").first().user
    client = Client()
    client.force_login(staff, backend="civitas.accounts.backends.IdentifierBackend")
    page_url = f"/insights/region/{city.pk}/"
    assert client.get(page_url).status_code == 200
    # Requests go through the WSGI handler and all middleware, like a server's, without the
    # test client's template instrumentation (which copies every context it renders).
    handler = WSGIHandler()
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    def wsgi_get(path: str, signed_in: bool) -> None:
        route, _sep, query = path.partition("?")
        environ = RequestFactory()._base_environ(PATH_INFO=route, QUERY_STRING=query, HTTP_COOKIE=cookie if signed_in else "")
        statuses: list[str] = []
        body = b"".join(handler(environ, lambda status, headers, *rest: statuses.append(status)))
        assert statuses[0].startswith("200") and body, statuses

    print("Measuring…", flush=True)
    page = timed("city dashboard page", lambda: wsgi_get(page_url, True), options.runs)
    api = timed("GET /api/v1/stats?scope=city", lambda: wsgi_get("/api/v1/stats?scope=city", False), options.runs)
    raw = timed("the same figures from raw records", lambda: raw_figures(city.path), 3)
    kept = selectors.scope_bundle(selectors.Scope("city", region=city))
    from_raw = raw_figures(city.path)
    assert from_raw["hours"] == kept.total_hours, (from_raw["hours"], kept.total_hours)
    assert from_raw["registered"] == kept.registered
    assert from_raw["active"] == kept.active_12m, (from_raw["active"], kept.active_12m)

    volunteer = User.objects.filter(volunteer__isnull=False).order_by("pk").first()
    organization = Organization.objects.filter(status="approved").order_by("pk").first()

    days_back = itertools.count(1)

    def approve_one() -> None:
        # An hour on a day of its own: the ledger refuses overlapping hours of one volunteer.
        ended_at = timezone.now() - dt.timedelta(days=next(days_back))
        record = ledger.record_create(
            volunteer=volunteer, organization=organization, started_at=ended_at - dt.timedelta(hours=1),
            ended_at=ended_at, hours=Decimal("1"), source="manual",
        )
        ledger.record_approve(record=record, approver=staff)

    approval = timed("one approval, rollups included", approve_one, 20)
    print(f"  ledger entries now {ServiceRecord.objects.count():,}", flush=True)
    print()
    print(f"| figure ({scale.name}, {records:,} records, PostgreSQL) | p50 ms | p95 ms |")
    print("| --- | --- | --- |")
    for label, result in (
        ("city dashboard page (rendered)", page),
        ("GET /api/v1/stats?scope=city", api),
        ("same figures from raw records", raw),
        ("one approval incl. rollup update", approval),
    ):
        print(f"| {label} | {result['p50']:.1f} | {result['p95']:.1f} |")
    print(f"\nraw / stats API (p50): {raw['p50'] / api['p50']:.0f}×; raw / dashboard page (p50): {raw['p50'] / page['p50']:.0f}×")
    if rebuild_seconds:
        print(f"rebuild_rollups: {rebuild_seconds:.0f} s")


if __name__ == "__main__":
    main()
