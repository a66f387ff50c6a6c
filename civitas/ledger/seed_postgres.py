"""The bulk of the demo city's ledger, generated inside PostgreSQL.

At the large scale (30 million entries) building rows in Python costs more than the whole
time budget, so on PostgreSQL the everyday history of the many volunteers (a handful of
records each, one to four hours) is written by ``INSERT … SELECT`` statements, batch by
batch, with the random choices taken from a seeded hash of (volunteer, slot, choice), so
the same ``--seed`` gives the same ledger.

The hash chain is computed in the same statement: a window aggregate whose step is the
HMAC-SHA256 of ``civitas.ledger.services.entry_hash``, built from PostgreSQL's
``sha256()`` (HMAC(K, m) = H(K⊕opad ‖ H(K⊕ipad ‖ m))), so ``verify_ledger`` checks these
entries exactly as it checks the ones the application writes. The window runs over the
rows in the order they are generated (volunteer by volunteer, oldest first) and carries
the sequence number with the hash, so the sequence order is the chain order.

Days: a volunteer with ``k`` records has the 1,092 days of the history window split into
``k`` consecutive spans and serves on one day of each, so days never repeat and records
never overlap. Three volunteers in ten also served one recent past shift: that record
takes the place of the span holding the shift's day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from civitas.core.seeding import Progress, SeedContext, in_step
from civitas.ledger.services import chain_pads

HISTORY_DAYS = 3 * 365
FIRST_DAY = 3  # days ago: the most recent day a seeded record may fall on
SPAN = HISTORY_DAYS - FIRST_DAY
BATCH_VOLUNTEERS = 50_000
RECENT_SHIFTS = 200_000


_RANDOM = """
CREATE FUNCTION pg_temp.seed_rnd(k bigint, m integer) RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT ((hashint8extended(k, {seed}) & 9223372036854775807) % greatest(m, 1))::integer $$;
"""

_CHAIN_FUNCTIONS = """
-- state 'sequence:previous hash:entry hash'; facts are the entry's fields after the
-- sequence and before the previous hash, joined by '|' as entry_hash joins them.
CREATE FUNCTION pg_temp.seed_chain_step(state text, facts text, start_sequence bigint, start_hash text,
                                        ipad bytea, opad bytea)
RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    sequence bigint;
    previous text;
BEGIN
    IF state IS NULL THEN
        sequence := start_sequence + 1;
        previous := start_hash;
    ELSE
        sequence := split_part(state, ':', 1)::bigint + 1;
        previous := split_part(state, ':', 3);
    END IF;
    RETURN sequence || ':' || previous || ':' || encode(
        sha256(opad || sha256(ipad || convert_to(sequence || '|' || facts || '|' || previous, 'UTF8'))), 'hex');
END $$;

CREATE AGGREGATE pg_temp.seed_chain(text, bigint, text, bytea, bytea) (
    SFUNC = pg_temp.seed_chain_step, STYPE = text
);
"""

_TABLES = """
CREATE TEMP TABLE seed_volunteer (n integer PRIMARY KEY, volunteer_id integer NOT NULL, records integer NOT NULL);
CREATE TEMP TABLE seed_organization (i integer PRIMARY KEY, organization_id integer NOT NULL,
                                     region_id integer NOT NULL, projects integer NOT NULL);
CREATE TEMP TABLE seed_project (i integer NOT NULL, k integer NOT NULL, project_id integer NOT NULL,
                                PRIMARY KEY (i, k));
CREATE TEMP TABLE seed_shift (i integer PRIMARY KEY, shift_id integer NOT NULL, project_id integer NOT NULL,
                              organization_id integer NOT NULL, region_id integer NOT NULL,
                              starts_at timestamptz NOT NULL, ends_at timestamptz NOT NULL,
                              hours numeric(7, 2) NOT NULL, days_ago integer NOT NULL);
"""

# One batch of volunteers (n in [first, last)) into a staging table, in chain order
# (``ord``), with the text its entries' hashes are made of: everything but the chain.
# ``key(j, c)`` below is the hash input for volunteer n, slot j, choice c.
_STAGE = """
CREATE UNLOGGED TABLE {stage} AS
SELECT row_number() OVER () AS ord, r.*,
       r.volunteer_id || '|' || r.organization_id || '|' || coalesce(r.project_id::text, '') || '|'
       || coalesce(r.shift_id::text, '') || '|'
       -- isoformat() in UTC: the ISO DateStyle's text with a 'T' (whole seconds only)
       || overlay((r.started_at AT TIME ZONE 'UTC')::text PLACING 'T' FROM 11) || '+00:00|'
       || overlay((r.ended_at AT TIME ZONE 'UTC')::text PLACING 'T' FROM 11) || '+00:00|'
       || r.hours::text || '|' || r.source || '|' AS facts
FROM (
        SELECT v.volunteer_id,
               coalesce(s.organization_id, o.organization_id) AS organization_id,
               coalesce(s.region_id, o.region_id) AS region_id,
               CASE WHEN s.i IS NULL THEN p.project_id ELSE s.project_id END AS project_id,
               s.shift_id,
               coalesce(s.starts_at, day.started_at) AS started_at,
               coalesce(s.ends_at, day.started_at + day.hours * interval '1 hour') AS ended_at,
               coalesce(s.hours, day.hours) AS hours,
               CASE WHEN s.i IS NULL THEN (%(sources)s::text[])[1 + pg_temp.seed_rnd(key + 3, 20)]
                    ELSE 'attendance' END AS source,
               coalesce(s.ends_at, day.started_at + day.hours * interval '1 hour')
                   + (2 + pg_temp.seed_rnd(key + 4, 59)) * interval '1 hour' AS decided_at
        FROM (
            SELECT n, volunteer_id, records,
                   (ARRAY[1, 1, 2, 3])[1 + pg_temp.seed_rnd(n::bigint * 17 * 2048, 4)] AS homes,
                   ARRAY[pg_temp.seed_rnd(n::bigint * 17 * 2048 + 1, %(organizations)s),
                         pg_temp.seed_rnd(n::bigint * 17 * 2048 + 2, %(organizations)s),
                         pg_temp.seed_rnd(n::bigint * 17 * 2048 + 3, %(organizations)s)] AS home,
                   CASE WHEN %(shifts)s > 0 AND pg_temp.seed_rnd(n::bigint * 17 * 2048 + 4, 10) < 3
                        THEN pg_temp.seed_rnd(n::bigint * 17 * 2048 + 5, %(shifts)s) END AS shift_index
            FROM seed_volunteer
            WHERE n >= %(first)s AND n < %(last)s
        ) v
        CROSS JOIN LATERAL generate_series(0, v.records - 1) AS j
        CROSS JOIN LATERAL (SELECT (v.n::bigint * 17 * 2048 + (j + 1) * 16) AS key) k
        -- the recent shift this volunteer served, in the slot whose span holds its day
        LEFT JOIN seed_shift s
               ON s.i = v.shift_index
              AND j = v.records - ((s.days_ago - %(first_day)s + 1) * v.records + %(span)s - 1) / %(span)s
        JOIN seed_organization o ON o.i = v.home[1 + pg_temp.seed_rnd(key, v.homes)]
        LEFT JOIN seed_project p ON p.i = o.i AND p.k = pg_temp.seed_rnd(key + 1, o.projects)
        CROSS JOIN LATERAL (
            SELECT ((2 + pg_temp.seed_rnd(key + 2, 7))::numeric / 2)::numeric(7, 2) AS hours,
                   -- the day: one of the days of this slot's span (slot 0 is the oldest)
                   ((%(today)s::date - (%(first_day)s + ((v.records - 1 - j) * %(span)s) / v.records
                       + pg_temp.seed_rnd(key + 5, ((v.records - j) * %(span)s) / v.records
                                                   - ((v.records - 1 - j) * %(span)s) / v.records)))
                     + make_time((ARRAY[8, 9, 9, 10, 13, 14])[1 + pg_temp.seed_rnd(key + 6, 6)],
                                 (ARRAY[0, 30])[1 + pg_temp.seed_rnd(key + 7, 2)], 0))
                   AT TIME ZONE %(time_zone)s AS started_at
        ) day
        ORDER BY v.n, j
) r
"""

# One staged batch into the ledger, chained after (start_sequence, start_hash).
_CHAIN = """
INSERT INTO ledger_servicerecord (
    volunteer_id, organization_id, region_id, project_id, shift_id, started_at, ended_at, hours, source,
    status, review_level, flags, note, created_at, decided_at, decision_reason, sequence, previous_hash, entry_hash)
SELECT volunteer_id, organization_id, region_id, project_id, shift_id, started_at, ended_at, hours, source,
       'approved', 'organization', '[]'::jsonb, '', ended_at, decided_at, '',
       split_part(link, ':', 1)::bigint, split_part(link, ':', 2), split_part(link, ':', 3)
FROM (
    SELECT s.*, pg_temp.seed_chain(s.facts, %(start_sequence)s, %(start_hash)s, %(ipad)s, %(opad)s)
                OVER (ORDER BY s.ord ROWS UNBOUNDED PRECEDING) AS link
    FROM {stage} s
) chained
"""


def generate_history(
    ctx: SeedContext,
    entries: Sequence[tuple[int, int]],
    *,
    organization_ids: Sequence[int],
    regions: dict[int, int],
    projects: dict[int, list[int]],
    sources: Sequence[str],
    start: tuple[int, str],
) -> tuple[int, str]:
    """Write ``count`` approved records for each (volunteer id, count) of ``entries``,
    chained after ``start`` (sequence, hash). Answers the new head (sequence, hash). The
    caller defers the ledger's indexes (``indexes_deferred``)."""
    seed = ctx.rng.getrandbits(62)
    today = timezone.localdate()
    progress = Progress(ctx, "service records", sum(count for _volunteer, count in entries))
    with connection.cursor() as cursor:
        cursor.execute(_RANDOM.format(seed=seed) + _TABLES)
        _load(cursor, "seed_volunteer (n, volunteer_id, records)",
              ((n, volunteer, min(count, SPAN)) for n, (volunteer, count) in enumerate(entries)))
        _load(cursor, "seed_organization (i, organization_id, region_id, projects)",
              ((i, pk, regions[pk], len(projects.get(pk, ()))) for i, pk in enumerate(organization_ids)))
        _load(cursor, "seed_project (i, k, project_id)",
              ((i, k, project) for i, pk in enumerate(organization_ids) for k, project in enumerate(projects.get(pk, ()))))
        shifts = _load_recent_shifts(cursor, organization_ids, today)
        cursor.execute("ANALYZE seed_volunteer; ANALYZE seed_organization; ANALYZE seed_project; ANALYZE seed_shift")
        params: dict[str, Any] = {
            "sources": list(sources), "organizations": len(organization_ids),
            "shifts": shifts, "first_day": FIRST_DAY, "span": SPAN, "today": today,
            "time_zone": settings.TIME_ZONE,
        }
        chain = _Chain(progress, start, pads=chain_pads())
        in_step(_staged(cursor, len(entries), params), chain.take)
        progress.finish()
        cursor.execute("DROP TABLE seed_volunteer, seed_organization, seed_project, seed_shift; "
                       "DROP FUNCTION pg_temp.seed_rnd")
    return chain.head


def _staged(cursor: Any, volunteers: int, params: dict[str, Any]) -> Iterator[str]:
    """Stage the rows batch by batch (on this connection, which holds the temporary tables
    and the random function), answering each staging table's name once it is committed."""
    size = max(100, min(BATCH_VOLUNTEERS, -(-volunteers // 8)))
    for number, first in enumerate(range(0, volunteers, size)):
        stage = f"seed_ledger_stage_{number}"
        with transaction.atomic():
            # jit: compiling the statement costs seconds per batch and saves less.
            cursor.execute("SET LOCAL work_mem = '256MB'; SET LOCAL jit = off; SET LOCAL DateStyle = 'ISO'")
            cursor.execute(f"DROP TABLE IF EXISTS {stage}")
            cursor.execute(_STAGE.format(stage=stage), {**params, "first": first, "last": min(first + size, volunteers)})
        yield stage


class _Chain:
    """The other end of the pipeline: takes staged batches in order into the ledger, each
    chained after the one before, on a connection of its own (see ``in_step``)."""

    def __init__(self, progress: Progress, start: tuple[int, str], *, pads: tuple[bytes, bytes]) -> None:
        self.progress, self.head, self.pads = progress, start, pads
        self.ready = False

    def take(self, stage: str) -> None:
        with connection.cursor() as cursor:
            if not self.ready:
                cursor.execute(_CHAIN_FUNCTIONS)
                self.ready = True
            with transaction.atomic():
                cursor.execute("SET LOCAL work_mem = '256MB'; SET LOCAL jit = off")
                sequence, head = self.head
                ipad, opad = self.pads
                cursor.execute(_CHAIN.format(stage=stage), {"start_sequence": sequence, "start_hash": head,
                                                            "ipad": ipad, "opad": opad})
                written = cursor.rowcount
                cursor.execute("SELECT sequence, entry_hash FROM ledger_servicerecord WHERE sequence = %s",
                               [sequence + written])
                self.head = cursor.fetchone()
                cursor.execute(f"DROP TABLE {stage}")
        self.progress.advance(written)


def _load(cursor: Any, target: str, rows: Any) -> None:
    with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _load_recent_shifts(cursor: Any, organization_ids: Sequence[int], today: dt.date) -> int:
    """The most recent past shifts of those organizations (ended two days ago or more,
    eight hours at most), numbered from 0; answers how many."""
    cursor.execute(
        """
        INSERT INTO seed_shift (i, shift_id, project_id, organization_id, region_id, starts_at, ends_at, hours, days_ago)
        SELECT row_number() OVER (ORDER BY s.ends_at DESC, s.id) - 1, s.id, s.project_id, p.organization_id,
               o.region_id, s.starts_at, s.ends_at,
               greatest(round(least(s.hours_credited, extract(epoch FROM s.ends_at - s.starts_at) / 3600) * 2) / 2, 0.5),
               %(today)s::date - (s.starts_at AT TIME ZONE %(time_zone)s)::date
        FROM projects_shift s
        JOIN projects_project p ON p.id = s.project_id
        JOIN organizations_organization o ON o.id = p.organization_id
        WHERE p.organization_id = ANY(%(organizations)s)
          AND s.ends_at < now() - interval '2 days'
          AND s.ends_at - s.starts_at <= interval '8 hours'
          AND s.starts_at = date_trunc('second', s.starts_at) AND s.ends_at = date_trunc('second', s.ends_at)
          AND %(today)s::date - (s.starts_at AT TIME ZONE %(time_zone)s)::date BETWEEN %(first_day)s AND %(last_day)s
        ORDER BY s.ends_at DESC, s.id
        LIMIT %(limit)s
        """,
        {"organizations": list(organization_ids), "today": today, "time_zone": settings.TIME_ZONE,
         "first_day": FIRST_DAY, "last_day": HISTORY_DAYS - 1, "limit": RECENT_SHIFTS},
    )
    return cursor.rowcount
