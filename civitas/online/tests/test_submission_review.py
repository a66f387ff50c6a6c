from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections

from civitas.core.errors import Conflict
from civitas.ledger import services as ledger
from civitas.ledger.models import RecordSource, ServiceRecord, VolunteerTotals
from civitas.online import services
from civitas.online.models import Submission, SubmissionStatus


@pytest.fixture
def submitted(cast, task):
    return services.submission_submit(task=task, volunteer=cast.volunteer, link="https://example.org/evidence")


def test_accepting_tells_the_volunteer(cast, submitted, settings, django_capture_on_commit_callbacks):
    heard = []
    settings.EVENT_HANDLERS = {"submission.reviewed": ["civitas.online.tests.test_submission_review.remember"]}
    remember.calls = heard

    with django_capture_on_commit_callbacks(execute=True):
        services.submission_review(submission=submitted, reviewer=cast.organizer_a, accept=True)

    assert heard == [{"event": "submission.reviewed", "submission_id": submitted.pk, "accepted": True}]


def remember(**payload):
    remember.calls.append(payload)


remember.calls = []


def test_rejecting_needs_a_reason_and_credits_nothing(cast, submitted, settings, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError):
        services.submission_review(submission=submitted, reviewer=cast.organizer_a, accept=False)
    heard = []
    settings.EVENT_HANDLERS = {"submission.reviewed": ["civitas.online.tests.test_submission_review.remember"]}
    remember.calls = heard

    with django_capture_on_commit_callbacks(execute=True):
        rejected = services.submission_review(
            submission=submitted, reviewer=cast.organizer_a, accept=False, reason="链接打不开"
        )

    assert rejected.status == SubmissionStatus.REJECTED and rejected.review_reason == "链接打不开"
    assert heard[0]["accepted"] is False
    assert not ServiceRecord.objects.filter(volunteer=cast.volunteer).exists()


def test_accepting_twice_is_a_conflict_and_credits_once(cast, submitted):
    services.submission_review(submission=submitted, reviewer=cast.organizer_a, accept=True)

    with pytest.raises(Conflict) as conflict:
        services.submission_review(submission=submitted, reviewer=cast.organizer_a, accept=True)

    assert conflict.value.code == "already_accepted"
    assert ServiceRecord.objects.filter(volunteer=cast.volunteer, source=RecordSource.ONLINE).count() == 1
    assert VolunteerTotals.objects.get(volunteer=cast.volunteer).total_hours == Decimal("0.50")


def test_a_ledger_entry_left_by_an_interrupted_accept_is_reused(cast, submitted):
    earlier = ledger.record_create(
        volunteer=cast.volunteer, organization=cast.org_a, started_at=submitted.claimed_at, ended_at=submitted.submitted_at,
        hours=Decimal("0.50"), source="online", idempotency_key=f"online-submission:{submitted.pk}",
    )

    accepted = services.submission_review(submission=submitted, reviewer=cast.organizer_a, accept=True)

    assert accepted.record_id == earlier.pk
    assert ServiceRecord.objects.filter(volunteer=cast.volunteer).count() == 1


def test_staff_of_another_organization_cannot_review(cast, submitted):
    with pytest.raises(PermissionDenied):
        services.submission_review(submission=submitted, reviewer=cast.organizer_b, accept=True)


def test_committee_staff_oversee_but_do_not_review(cast, submitted):
    with pytest.raises(PermissionDenied):
        services.submission_review(submission=submitted, reviewer=cast.district_staff, accept=True)


def test_a_reviewer_cannot_accept_their_own_work(cast, project):
    from civitas.online.tests.conftest import make_task

    task = make_task(project, cast.organizer_a)
    own = services.submission_submit(task=task, volunteer=cast.organizer_a, link="https://example.org/own")

    with pytest.raises(PermissionDenied):
        services.submission_review(submission=own, reviewer=cast.organizer_a, accept=True)


def test_an_open_claim_cannot_be_reviewed(cast, task):
    claim = services.task_claim(task=task, volunteer=cast.volunteer)

    with pytest.raises(Conflict):
        services.submission_review(submission=claim, reviewer=cast.organizer_a, accept=True)


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_accepting_at_once_credit_once(cast, task):
    submitted = services.submission_submit(task=task, volunteer=cast.volunteer, link="https://example.org/race")
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def accept() -> None:
        try:
            start.wait()
            services.submission_review(
                submission=Submission(pk=submitted.pk), reviewer=cast.organizer_a, accept=True
            )
            outcomes.append("accepted")
        except Conflict:
            outcomes.append("conflict")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["accepted", "conflict"]
    assert ServiceRecord.objects.filter(volunteer=cast.volunteer, source=RecordSource.ONLINE).count() == 1
    assert VolunteerTotals.objects.get(volunteer=cast.volunteer).total_hours == Decimal("0.50")


def test_the_ledger_entry_spans_the_hours_up_to_the_submission(cast, submitted):
    accepted = services.submission_review(submission=submitted, reviewer=cast.organizer_a, accept=True)

    record = ServiceRecord.objects.get(pk=accepted.record_id)
    assert record.ended_at == submitted.submitted_at
    assert (record.ended_at - record.started_at).total_seconds() == 30 * 60
    assert record.project_id == submitted.task.project_id
