"""Done when: a volunteer takes a course, passes, gains the qualification, submits evidence
for a task that needs it, a reviewer accepts, and the hours show in the totals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from civitas.accounts.models import VolunteerQualification
from civitas.ledger.models import RecordSource, RecordStatus, ServiceRecord, VolunteerTotals
from civitas.online import selectors, services
from civitas.online.models import SubmissionStatus
from civitas.online.tests.conftest import make_task, right_answers


def test_volunteer_trained_and_credited_for_online_work(cast, project, qualification, course, django_capture_on_commit_callbacks):
    task = make_task(project, cast.organizer_a, qualification=qualification)

    # given: without the qualification the task is refused, naming it
    with pytest.raises(ValidationError) as refused:
        services.task_claim(task=task, volunteer=cast.volunteer)
    assert "Online content review" in str(refused.value) or "网络内容审核" in str(refused.value)

    # when: the volunteer passes the course's quiz
    attempt = services.quiz_attempt_submit(course=course, volunteer=cast.volunteer, answers=right_answers(course))
    assert attempt.is_passed and attempt.score == 100
    held = VolunteerQualification.objects.get(user=cast.volunteer, qualification=qualification)
    assert held.expires_at is not None and (held.expires_at - held.granted_at).days == 365

    # and submits evidence, which a reviewer of the organization accepts
    submission = services.submission_submit(task=task, volunteer=cast.volunteer, link="https://weibo.com/rumour/1")
    assert submission.status == SubmissionStatus.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        accepted = services.submission_review(submission=submission, reviewer=cast.organizer_a, accept=True)

    # then: the hours are in the ledger, approved, and in the volunteer's totals
    assert accepted.status == SubmissionStatus.ACCEPTED
    record = ServiceRecord.objects.get(pk=accepted.record_id)
    assert record.source == RecordSource.ONLINE and record.status == RecordStatus.APPROVED
    assert record.hours == Decimal("0.50") and record.organization_id == cast.org_a.pk
    assert VolunteerTotals.objects.get(volunteer=cast.volunteer).total_hours == Decimal("0.50")
    figures = selectors.participation()
    assert figures["accepted_submissions"] == 1 and figures["hours"] == Decimal("0.50")
    assert figures["by_district"][0]["region_id"] == cast.city.district_a.pk


def test_same_link_from_another_volunteer_is_caught_as_duplicate(cast, task):
    services.submission_submit(task=task, volunteer=cast.volunteer, link="https://Weibo.com/post/9/?utm_source=wx")

    with pytest.raises(ValidationError) as duplicate:
        services.submission_submit(task=task, volunteer=cast.volunteer2, link="https://weibo.com/post/9")

    assert "已被提交过" in str(duplicate.value.message_dict["link"])
