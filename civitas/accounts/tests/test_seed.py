import random

from django.db import transaction

from civitas.accounts import seed
from civitas.accounts.models import VolunteerProfile
from civitas.core.seeding import SCALES, SeedContext
from civitas.organizations.seed import seed_regions


class _Discard(Exception):
    pass


def test_profiles_made_in_a_child_process_are_the_ones_made_in_this_one(db, monkeypatch):
    # given: the demo city's regions, and the people step run either way, each rolled back
    def seeded(in_child_from: int) -> tuple:
        monkeypatch.setattr(seed, "PROFILES_IN_CHILD_FROM", in_child_from)
        ctx = SeedContext(scale=SCALES["demo"], rng=random.Random(5), quiet=True)
        try:
            with transaction.atomic():
                seed_regions(ctx)
                seed.seed_people(ctx)
                profiles = [
                    # (ids and the clock differ between the two runs)
                    (p.user.username, p.real_name, p.id_number, p.birth_date, p.gender, p.home_community.code,
                     p.interests, p.availability, sorted(p.skills.values_list("code", flat=True)))
                    for p in VolunteerProfile.objects.select_related("user", "home_community").order_by("user__username")
                ]
                raise _Discard
        except _Discard:
            return profiles, ctx.rng.getstate()

    # when
    made_here, made_in_child = seeded(10**9), seeded(0)

    # then: the same people, ID numbers decrypted alike, and the random stream where it was
    assert made_in_child == made_here
    profiles, _state = made_in_child
    assert len(profiles) >= 150
    assert sum(1 for profile in profiles if profile[2]) > 50  # encrypted ID numbers read back
