import datetime as dt
from decimal import Decimal

import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db.models import Sum

from civitas.accounts.models import User
from civitas.ledger.models import HoursRollup, ServiceRecord, VolunteerTotals
from civitas.ledger.services import ledger_verify, totals_rebuild


def test_demo_seed_has_a_chained_history_with_every_star_level(transactional_db):
    # The seed command loosens the connection's durability pragmas, which SQLite refuses
    # inside a transaction: run it as a command runs, outside the test's atomic block.
    call_command("seed", scale="demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ServiceRecord.objects.filter(status="approved").count() >= 2000
    assert ledger_verify() == []
    levels = set(VolunteerTotals.objects.values_list("star_level", flat=True))
    assert levels >= set(range(0, len(settings.CIVITAS["STAR_THRESHOLDS"]) + 1))
    demo = VolunteerTotals.objects.get(volunteer=User.objects.get(username="volunteer"))
    assert demo.star_level >= 1
    approved = ServiceRecord.objects.filter(status="approved").aggregate(total=Sum("hours"))["total"]
    assert HoursRollup.objects.aggregate(total=Sum("hours"))["total"] == approved
    assert VolunteerTotals.objects.aggregate(total=Sum("total_hours"))["total"] == approved > Decimal("0")
    assert totals_rebuild() == 0  # what was kept is what the ledger says


def test_seed_credits_past_shifts_when_the_projects_step_made_them(db):
    import datetime as dt
    import random

    from django.utils import timezone

    from civitas.conftest import make_volunteer
    from civitas.core.seeding import SCALES, SeedContext
    from civitas.ledger.seed import seed_service_records
    from civitas.ledger.tests.factories import make_project, make_shift
    from civitas.organizations.models import Organization, Region

    region = Region.objects.create(name="市", level="city", code="X", population=1)
    volunteer = make_volunteer("张三", "13700000001")
    organization = Organization.objects.create(name="队", kind="team", region=region, status="approved",
                                               created_by=volunteer)
    project = make_project(organization, volunteer)
    for days in range(5, 40):
        make_shift(project, timezone.now() - dt.timedelta(days=days), hours=3)
    ctx = SeedContext(scale=SCALES["demo"], rng=random.Random(1), quiet=True,
                      data={"volunteer_user_ids": [volunteer.pk], "organizations": [organization.pk]})
    seed_service_records(ctx)
    assert ServiceRecord.objects.filter(shift__isnull=False).exists()
    assert ledger_verify() == []


class _Discard(Exception):
    pass


# Frozen: the totals rebuild dates now the star levels of the history generated in the
# database (PostgreSQL), and both runs must see the same now.
@time_machine.travel(dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC), tick=False)
def test_records_made_in_a_child_process_are_the_ones_made_in_this_one(db, monkeypatch):
    import random

    from django.db import transaction
    from django.utils import timezone

    from civitas.conftest import make_volunteer
    from civitas.core.seeding import SCALES, SeedContext
    from civitas.ledger import seed
    from civitas.ledger.models import StarLevelEvent
    from civitas.ledger.tests.factories import make_project, make_shift
    from civitas.organizations.models import Organization, Region

    # given: a city with past shifts, and a seed run either way, each rolled back
    region = Region.objects.create(name="市", level="city", code="X", population=1)
    # Enough volunteers that the everyday ones are not also the planned ones.
    volunteers = [make_volunteer(f"志愿者{index}", f"137000000{index:02d}") for index in range(12)]
    organization = Organization.objects.create(name="队", kind="team", region=region, status="approved",
                                               created_by=volunteers[0])
    project = make_project(organization, volunteers[0])
    for days in range(5, 40):
        make_shift(project, timezone.now() - dt.timedelta(days=days), hours=3)

    def seeded(background_from: int) -> tuple:
        monkeypatch.setattr(seed, "BACKGROUND_FROM", background_from)
        ctx = SeedContext(scale=SCALES["demo"], rng=random.Random(3), quiet=True,
                          data={"volunteer_user_ids": [v.pk for v in volunteers], "organizations": [organization.pk]})
        try:
            with transaction.atomic():
                seed.seed_service_records(ctx)
                ledger = list(ServiceRecord.objects.filter(sequence__isnull=False).order_by("sequence").values_list(
                    "sequence", "volunteer_id", "shift_id", "started_at", "ended_at", "hours", "decided_at",
                    "entry_hash",
                ))
                levels = list(StarLevelEvent.objects.order_by("pk").values_list("volunteer_id", "level", "reached_at"))
                problems = ledger_verify()
                raise _Discard
        except _Discard:
            return ledger, levels, problems, ctx.rng.getstate()

    # when
    made_here, made_in_child = seeded(10**9), seeded(0)

    # then
    assert made_in_child == made_here
    ledger, levels, problems, _random_state = made_in_child
    assert len(ledger) > 100 and any(shift for _s, _v, shift, *_rest in ledger) and levels and problems == []
