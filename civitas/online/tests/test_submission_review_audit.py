"""Accepting or rejecting online evidence is written to the audit trail (docs/security.md)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from civitas.accounts.models import AuditEntry
from civitas.core.errors import Conflict
from civitas.online import services


@pytest.fixture
def submitted(cast, task):
    return services.submission_submit(task=task, volunteer=cast.volunteer, link="https://example.org/evidence")


def test_accepting_is_audited_with_the_organizations_region(cast, submitted):
    accepted = services.submission_review(submission=submitted, reviewer=cast.organizer_a, accept=True)

    entry = AuditEntry.objects.get(action="online_submission.accept")
    assert entry.actor == cast.organizer_a
    assert (entry.target_type, entry.target_id) == ("online.Submission", str(submitted.pk))
    assert entry.region_path == cast.org_a.region.path
    assert entry.details["record_id"] == accepted.record_id and entry.details["hours"] == "0.50"
    assert entry.details["volunteer_id"] == cast.volunteer.pk


def test_rejecting_is_audited_with_the_reason(cast, submitted):
    services.submission_review(submission=submitted, reviewer=cast.organizer_a, accept=False, reason="链接打不开")

    entry = AuditEntry.objects.get(action="online_submission.reject")
    assert entry.actor == cast.organizer_a and entry.details["reason"] == "链接打不开"
    assert entry.details["record_id"] is None


def test_a_refused_review_leaves_no_entry(cast, submitted):
    with pytest.raises(PermissionDenied):
        services.submission_review(submission=submitted, reviewer=cast.organizer_b, accept=True)
    services.submission_review(submission=submitted, reviewer=cast.organizer_a, accept=True)
    with pytest.raises(Conflict):
        services.submission_review(submission=submitted, reviewer=cast.organizer_a, accept=False, reason="晚了")

    assert list(AuditEntry.objects.filter(action__startswith="online_submission.").values_list("action", flat=True)) == [
        "online_submission.accept"
    ]


def test_the_auditor_reads_the_entry_on_the_audit_page(cast, submitted):
    services.submission_review(submission=submitted, reviewer=cast.organizer_a, accept=True)

    page = cast.client_for(cast.auditor).get(reverse("accounts:audit_log"))

    assert page.status_code == 200 and "online_submission.accept" in page.content.decode()
