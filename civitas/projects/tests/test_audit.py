"""Project decisions by the committee and roster downloads are written to the audit trail."""

from __future__ import annotations

import pytest

from civitas.accounts.models import AuditEntry
from civitas.projects import services
from civitas.projects.tests.conftest import make_project, make_shift


@pytest.mark.parametrize("action", ["approve", "return", "reject"])
def test_committee_decisions_are_audited_with_the_project_region(cast, action):
    project = make_project(cast, status="submitted")

    decided = services.project_transition(project=project, action=action, actor=cast.district_staff, reason="理由")

    entry = AuditEntry.objects.get(action=f"project.{action}")
    assert entry.actor == cast.district_staff
    assert entry.target_type == "projects.Project" and entry.target_id == str(project.pk)
    assert entry.region_path == cast.city.district_a.path
    assert entry.details["to"] == decided.status and entry.details["reason"] == "理由"


def test_organization_steps_and_refused_decisions_leave_no_entry(cast):
    project = make_project(cast, status="submitted")

    with pytest.raises(Exception):  # noqa: B017 — any refusal; the point is what it leaves behind
        services.project_transition(project=project, action="approve", actor=cast.other_district_staff)

    assert not AuditEntry.objects.filter(action__startswith="project.").exists()


def test_approval_from_the_review_page_is_audited(cast):
    project = make_project(cast, status="submitted")

    response = cast.client_for(cast.city_staff).post(f"/projects/{project.pk}/transition/", {"action": "approve"})

    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="project.approve", actor=cast.city_staff, target_id=str(project.pk)).exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_roster_download_is_audited(cast, fmt):
    project = make_project(cast)
    shift = make_shift(cast, project)
    services.signup_create(shift=shift, volunteer=cast.volunteer)

    response = cast.client_for(cast.organizer_a).get(f"/projects/shifts/{shift.pk}/roster.{fmt}")

    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="export.roster")
    assert entry.actor == cast.organizer_a
    assert entry.details == {"shift": shift.pk, "format": fmt, "rows": 1}
    assert entry.region_path == cast.city.district_a.path


def test_refused_roster_download_leaves_no_entry(cast):
    shift = make_shift(cast, make_project(cast))

    assert cast.client_for(cast.auditor).get(f"/projects/shifts/{shift.pk}/roster.csv").status_code == 403
    assert cast.client_for(cast.organizer_b).get(f"/projects/shifts/{shift.pk}/roster.csv").status_code == 404
    assert cast.client_for(cast.organizer_a).get(f"/projects/shifts/{shift.pk}/roster.pdf").status_code == 404

    assert not AuditEntry.objects.filter(action="export.roster").exists()
