from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from civitas.accounts.models import VolunteerQualification
from civitas.core.errors import Conflict
from civitas.online import services
from civitas.online.models import SubmissionStatus
from civitas.online.tests.conftest import make_project, make_task
from civitas.projects.models import ProjectStatus


def test_claim_before_the_window_opens_is_refused_with_the_opening_time(cast, project):
    task = make_task(project, cast.organizer_a, opens_at=timezone.now() + dt.timedelta(days=1))

    with pytest.raises(ValidationError) as refused:
        services.task_claim(task=task, volunteer=cast.volunteer)

    assert "将于" in str(refused.value)


def test_claim_after_the_window_closes_is_refused(cast, task):
    with time_machine.travel(task.closes_at + dt.timedelta(minutes=1)), pytest.raises(ValidationError) as refused:
        services.task_claim(task=task, volunteer=cast.volunteer)

    assert "已截止" in str(refused.value)


def test_claim_names_the_missing_qualification(cast, project, qualification):
    task = make_task(project, cast.organizer_a, qualification=qualification)

    with pytest.raises(ValidationError) as refused:
        services.task_claim(task=task, volunteer=cast.volunteer)

    assert refused.value.message_dict["qualification"] == ["该任务需要以下资格：网络内容审核"]
    with translation.override("en"), pytest.raises(ValidationError) as in_english:
        services.task_claim(task=task, volunteer=cast.volunteer)
    assert in_english.value.message_dict["qualification"] == ["This task needs the qualification: Online content review"]


def test_expired_qualification_does_not_count(cast, project, qualification):
    task = make_task(project, cast.organizer_a, qualification=qualification)
    VolunteerQualification.objects.create(
        user=cast.volunteer, qualification=qualification, expires_at=timezone.now() - dt.timedelta(days=1)
    )

    with pytest.raises(ValidationError):
        services.task_claim(task=task, volunteer=cast.volunteer)


def test_task_of_a_project_not_recruiting_cannot_be_claimed(cast):
    project = make_project(cast.org_a, cast.organizer_a, status=ProjectStatus.DRAFT)
    task = make_task(project, cast.organizer_a)

    with pytest.raises(ValidationError):
        services.task_claim(task=task, volunteer=cast.volunteer)


def test_second_open_claim_on_one_task_is_a_conflict(cast, task):
    services.task_claim(task=task, volunteer=cast.volunteer)

    with pytest.raises(Conflict) as conflict:
        services.task_claim(task=task, volunteer=cast.volunteer)

    assert conflict.value.code == "already_claimed"


def test_volunteer_quota_counts_claims_and_submissions(cast, project):
    task = make_task(project, cast.organizer_a, quota_per_volunteer=1)
    services.submission_submit(task=task, volunteer=cast.volunteer, link="https://example.org/a")

    with pytest.raises(Conflict) as conflict:
        services.task_claim(task=task, volunteer=cast.volunteer)

    assert conflict.value.code == "volunteer_quota_full"


def test_total_quota_is_held_by_open_claims(cast, project):
    task = make_task(project, cast.organizer_a, quota_total=1, quota_per_volunteer=1)
    services.task_claim(task=task, volunteer=cast.volunteer)

    with pytest.raises(Conflict) as conflict:
        services.submission_submit(task=task, volunteer=cast.volunteer2, link="https://example.org/b")

    assert conflict.value.code == "quota_full"


def test_expired_claim_frees_its_place(cast, project, settings):
    task = make_task(project, cast.organizer_a, quota_total=1, quota_per_volunteer=1)
    claim = services.task_claim(task=task, volunteer=cast.volunteer)

    with time_machine.travel(claim.expires_at + dt.timedelta(seconds=1)):
        second = services.task_claim(task=task, volunteer=cast.volunteer2)
        swept = services.claims_expire()

    assert second.status == SubmissionStatus.CLAIMED
    assert swept == 1
    claim.refresh_from_db()
    assert claim.status == SubmissionStatus.EXPIRED


def test_released_claim_frees_its_place_and_keeps_an_event(cast, project):
    task = make_task(project, cast.organizer_a, quota_total=1, quota_per_volunteer=1)
    claim = services.task_claim(task=task, volunteer=cast.volunteer)

    services.claim_release(submission=claim, actor=cast.volunteer)
    services.task_claim(task=task, volunteer=cast.volunteer2)

    assert list(claim.events.values_list("to_status", flat=True)) == ["claimed", "released"]


def test_only_the_claimant_releases_a_claim(cast, task):
    claim = services.task_claim(task=task, volunteer=cast.volunteer)

    with pytest.raises(Exception) as refused:
        services.claim_release(submission=claim, actor=cast.volunteer2)

    assert refused.type.__name__ == "PermissionDenied"


def test_staff_person_without_volunteer_profile_cannot_claim(cast, task):
    with pytest.raises(ValidationError):
        services.task_claim(task=task, volunteer=cast.city_staff)


def test_the_expiry_command_marks_lapsed_claims(cast, task):
    from io import StringIO

    from django.core.management import call_command

    claim = services.task_claim(task=task, volunteer=cast.volunteer)
    out = StringIO()

    with time_machine.travel(claim.expires_at + dt.timedelta(minutes=1)):
        call_command("expire_online_claims", stdout=out)

    claim.refresh_from_db()
    assert claim.status == SubmissionStatus.EXPIRED and out.getvalue().startswith("1 ")
    assert claim.shown_status in ("Claim expired", "领取已过期")
