from __future__ import annotations

import io
import random

from civitas.core.seeding import SCALES, SeedContext
from civitas.insights.models import AssessmentCriterion, Figures, Indicator
from civitas.insights.seed import seed_insights


def test_the_seed_sets_the_targets_and_fills_the_rollups(small_city):
    ctx = SeedContext(scale=SCALES["demo"], rng=random.Random(1), out=io.StringIO(), quiet=True)

    seed_insights(ctx)

    assert str(Indicator.objects.get(code="volunteer-share").target) == "13.00"
    assert AssessmentCriterion.objects.count() == 6
    assert Figures.objects.get(region=small_city.cast.city.city).registered_volunteers == 4
