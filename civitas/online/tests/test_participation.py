from __future__ import annotations

import random
from decimal import Decimal

from django.core.cache import cache

from civitas.core.seeding import SCALES, SeedContext
from civitas.core.testing import query_budget
from civitas.ledger.models import RecordSource, ServiceRecord
from civitas.online import selectors, services
from civitas.online.models import Course, OnlineTask, SubmissionStatus
from civitas.online.seed import seed_online
from civitas.online.tests.conftest import make_project, make_task


def _accept(task, volunteer, reviewer, link):
    submission = services.submission_submit(task=task, volunteer=volunteer, link=link)
    return services.submission_review(submission=submission, reviewer=reviewer, accept=True)


def test_figures_by_volunteer_organization_and_district(cast, task):
    task_b = make_task(make_project(cast.org_b, cast.organizer_b), cast.organizer_b, hours_per_submission=Decimal("2"))
    _accept(task, cast.volunteer, cast.organizer_a, "https://example.org/1")
    _accept(task, cast.volunteer, cast.organizer_a, "https://example.org/2")
    _accept(task_b, cast.volunteer2, cast.organizer_b, "https://example.org/3")
    cache.clear()

    with query_budget(6):
        city = selectors.participation()
    district_a = selectors.participation(region=cast.city.district_a)
    organization_b = selectors.participation(organization=cast.org_b)

    assert city["accepted_submissions"] == 3 and city["hours"] == Decimal("3.00") and city["volunteers"] == 2
    assert [row["hours"] for row in city["by_volunteer"]] == [Decimal("2.00"), Decimal("1.00")]
    assert {row["region_id"] for row in city["by_district"]} == {cast.city.district_a.pk, cast.city.district_b.pk}
    assert district_a["accepted_submissions"] == 2 and district_a["by_organization"][0]["organization_id"] == cast.org_a.pk
    assert organization_b["hours"] == Decimal("2.00")


def test_figures_are_cached_for_a_few_minutes(cast, task):
    cache.clear()
    selectors.participation()
    _accept(task, cast.volunteer, cast.organizer_a, "https://example.org/later")

    with query_budget(0):
        cached = selectors.participation()

    assert cached["accepted_submissions"] == 0


def test_leaderboard_never_shows_a_full_real_name(cast, task):
    cache.clear()
    _accept(task, cast.volunteer, cast.organizer_a, "https://example.org/n")

    names = [row["name"] for row in selectors.participation()["by_volunteer"]]

    assert "李小红" not in names and names == ["李**"]


def test_seed_step_builds_tasks_submissions_and_a_passed_course(cast):
    ctx = SeedContext(scale=SCALES["demo"], rng=random.Random(1), quiet=True)
    ctx.data.update(
        team=cast.org_a,
        personas={"organizer": cast.organizer_a, "volunteer": cast.volunteer},
        volunteer_user_ids=[cast.volunteer.pk, cast.organizer_a.pk, cast.volunteer2.pk, cast.organizer_b.pk],
    )

    seed_online(ctx)

    assert OnlineTask.objects.filter(organization=cast.org_a).count() == 4
    course = Course.objects.get()
    assert course.attempts.filter(volunteer=cast.volunteer, is_passed=True).exists()
    accepted = cast.volunteer.online_submissions.filter(status=SubmissionStatus.ACCEPTED).count()
    assert accepted == 2
    assert ServiceRecord.objects.filter(volunteer=cast.volunteer, source=RecordSource.ONLINE).count() == 2
    assert ServiceRecord.objects.filter(volunteer=cast.volunteer, source=RecordSource.TRAINING).count() == 1
