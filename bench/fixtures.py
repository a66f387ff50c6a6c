"""What scenarios need from the benchmark database itself, done in the database rather
than over HTTP: API tokens made directly (as ``marathon_checkins.py`` does; signing in
through ``POST /api/v1/auth/token`` hashes a password with Argon2 and meets the sign-in
rate limit after a few), the sign-up scenario's plan, and its count of what was saved.

Run in a process of its own with the benchmark database's environment
(``bench.server.fixture``), so the load generator itself never loads Django:

    python -m bench.fixtures tokens '{"usernames": ["v0000000"]}'
"""

from __future__ import annotations

import json
import secrets
import sys
from typing import Any


def tokens(usernames: list[str]) -> list[str]:
    """A new API token for each user, in order (only the SHA-256 is stored, as always)."""
    from civitas.accounts.models import ApiToken, User

    users = {u.username: u for u in User.objects.filter(username__in=usernames, is_active=True)}
    missing = [name for name in usernames if name not in users]
    if missing:
        raise SystemExit(f"no active user named {', '.join(missing[:5])}")
    keys = [secrets.token_urlsafe(24) for _ in usernames]
    ApiToken.objects.bulk_create(
        [ApiToken(user=users[name], key_digest=ApiToken.digest(key)) for name, key in zip(usernames, keys, strict=True)]
    )
    return keys


def signup_plan(shift_count: int, volunteer_count: int) -> dict[str, Any]:
    """Shifts that take a sign-up from any volunteer (recruiting, open, starting more than
    a day ahead, no requirement, no waitlist limit, so a full one waitlists) and do not
    overlap in time; and volunteers who have no sign-up on any of them and no confirmed
    place overlapping them. Every (volunteer, shift) pair then answers 201 exactly once.
    Volunteers are new to these shifts on every run, so the plan works on a reused city."""
    import datetime as dt

    from django.db.models import Exists, OuterRef, Q
    from django.utils import timezone

    from civitas.accounts.models import User
    from civitas.projects.models import Shift, ShiftStatus, SignUp, SignUpStatus
    from civitas.projects.services import SIGNUP_OPEN_STATUSES

    now = timezone.now()
    candidates = (
        Shift.objects.filter(
            project__status__in=SIGNUP_OPEN_STATUSES, status=ShiftStatus.OPEN, starts_at__gt=now + dt.timedelta(days=1),
            waitlist_limit__isnull=True, requires_insurance=False, skills=None, qualifications=None,
        )
        .filter(Q(min_age__isnull=True) | Q(min_age=0))
        .filter(Q(signup_deadline__isnull=True) | Q(signup_deadline__gt=now + dt.timedelta(hours=1)))
        .order_by("starts_at", "pk")
        .values_list("pk", "starts_at", "ends_at")
    )
    shifts: list[tuple[int, dt.datetime, dt.datetime]] = []
    for pk, starts_at, ends_at in candidates.iterator():
        if not shifts or starts_at >= shifts[-1][2]:
            shifts.append((pk, starts_at, ends_at))
            if len(shifts) == shift_count:
                break
    if len(shifts) < shift_count:
        raise SystemExit(f"only {len(shifts)} shifts without requirements that do not overlap; asked for {shift_count}")
    ids = [pk for pk, _, _ in shifts]
    overlapping = Q()
    for _, starts_at, ends_at in shifts:
        overlapping |= Q(shift__starts_at__lt=ends_at, shift__ends_at__gt=starts_at)
    busy = SignUp.objects.filter(volunteer=OuterRef("pk")).filter(
        Q(shift_id__in=ids) | (Q(status=SignUpStatus.CONFIRMED) & overlapping)
    )
    volunteers = list(
        User.objects.filter(is_active=True, volunteer__isnull=False)
        .exclude(Exists(busy))
        .order_by("pk")
        .values_list("username", "pk")[:volunteer_count]
    )
    if len(volunteers) < volunteer_count:
        raise SystemExit(f"only {len(volunteers)} volunteers are free for these shifts; asked for {volunteer_count}")
    return {
        "shifts": ids, "volunteers": [pk for _, pk in volunteers],
        "tokens": tokens([name for name, _ in volunteers]), "counts": signup_counts(ids, [pk for _, pk in volunteers]),
    }


def signup_counts(shifts: list[int], volunteers: list[int]) -> dict[str, Any]:
    """The sign-up rows these volunteers hold on these shifts, pairs held twice while
    active, and per shift its counters (confirmed, waitlisted, pending), the rows of each
    of those statuses, and whether it holds more confirmed places than it has."""
    from django.db.models import Count

    from civitas.projects.models import ACTIVE_SIGNUP_STATUSES, Shift, SignUp, SignUpStatus

    rows = SignUp.objects.filter(shift_id__in=shifts, volunteer_id__in=volunteers)
    doubled = (
        rows.filter(status__in=ACTIVE_SIGNUP_STATUSES).values("shift_id", "volunteer_id")
        .annotate(n=Count("id")).filter(n__gt=1).count()
    )
    held: dict[int, dict[str, int]] = {}
    for shift_id, status, n in (
        SignUp.objects.filter(shift_id__in=shifts).values_list("shift_id", "status").annotate(n=Count("id"))
    ):
        held.setdefault(shift_id, {})[status] = n
    statuses = (SignUpStatus.CONFIRMED, SignUpStatus.WAITLISTED, SignUpStatus.PENDING)
    per_shift = {
        str(shift.pk): {
            "counters": [shift.confirmed_count, shift.waitlisted_count, shift.pending_count],
            "rows": [held.get(shift.pk, {}).get(status, 0) for status in statuses],
            "overbooked": shift.confirmed_count > shift.capacity,
        }
        for shift in Shift.objects.filter(pk__in=shifts)
    }
    return {"rows": rows.count(), "doubled": doubled, "shifts": per_shift}


COMMANDS = {"tokens": tokens, "signup_plan": signup_plan, "signup_counts": signup_counts}


def main() -> None:
    import django

    django.setup()
    command, arguments = sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    print(json.dumps(COMMANDS[command](**arguments)))


if __name__ == "__main__":
    main()
