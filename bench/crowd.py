"""One event and its crowd, bulk-loaded for the benchmarks that drive the API as many
volunteers at once (``marathon_checkins.py``, ``api_write_cpu.py``): a project with a
shift starting in half an hour, ``count`` volunteers confirmed on it, each with an API
token, and optionally later shifts with room for all of them. Needs Django set up."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal


@dataclass
class Crowd:
    shift_id: int  # the shift starting in half an hour, where everyone holds a place
    later_shift_ids: list[int]  # shifts from the day after tomorrow, empty, room for everyone
    tokens: list[str]  # one API token per volunteer
    numbers: list[str]  # their volunteer numbers, in the same order


def crowd(count: int, *, name: str = "马拉松", project_status: str = "in_progress", later_shifts: int = 0) -> Crowd:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from civitas.accounts.models import ApiToken, User, VolunteerProfile
    from civitas.core import crypto
    from civitas.organizations.models import Organization, Region
    from civitas.projects.models import Project, Shift, SignUp

    call_command("migrate", verbosity=0)
    tag = secrets.token_hex(3)
    now = timezone.now()
    region = Region.objects.create(name=f"{name}市{tag}", level="city", code=f"M{tag}", population=1)
    organizer = User.objects.create(username=f"crowd-organizer-{tag}")
    organization = Organization.objects.create(
        name=f"{name}志愿者队{tag}", kind="team", region=region, status="approved", created_by=organizer
    )
    project = Project.objects.create(
        organization=organization, region=region, title=f"城市{name}", category="culture_sports",
        status=project_status, created_by=organizer,
    )
    shift = Shift.objects.create(
        project=project, starts_at=now + dt.timedelta(minutes=30), ends_at=now + dt.timedelta(hours=5),
        capacity=count, confirmed_count=count, hours_credited=Decimal("4"),
    )
    later = [
        Shift.objects.create(
            project=project, starts_at=now + dt.timedelta(days=2 + n), ends_at=now + dt.timedelta(days=2 + n, hours=3),
            capacity=count, hours_credited=Decimal("3"),
        ).pk
        for n in range(later_shifts)
    ]
    users = User.objects.bulk_create(
        [User(username=f"m{tag}-{i}", mobile_digest=crypto.lookup_digest(f"m{tag}-{i}")) for i in range(count)],
        batch_size=5000,
    )
    numbers = [f"M{tag}{i:07d}" for i in range(count)]
    VolunteerProfile.objects.bulk_create(
        [VolunteerProfile(user=u, volunteer_number=number, real_name="跑者",
                          privacy_consent_version=settings.CIVITAS["PRIVACY_CONSENT_VERSION"], privacy_consent_at=now)
         for u, number in zip(users, numbers, strict=True)],
        batch_size=5000,
    )
    SignUp.objects.bulk_create([SignUp(shift=shift, volunteer=u, status="confirmed") for u in users], batch_size=5000)
    keys = [secrets.token_urlsafe(24) for _ in users]
    ApiToken.objects.bulk_create(
        [ApiToken(user=u, key_digest=ApiToken.digest(k), last_used_at=now) for u, k in zip(users, keys, strict=True)],
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Real sign-ups arrive over days, and autovacuum keeps the planner's statistics;
            # rows bulk-loaded a second ago have none (and a server may run without autovacuum).
            cursor.execute("ANALYZE")
    return Crowd(shift.pk, later, keys, numbers)
