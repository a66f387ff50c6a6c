from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from civitas.insights import assessment, services
from civitas.insights.models import AssessmentScore
from civitas.insights.tests.conftest import approved_record
from civitas.insights.tests.helpers import make_project
from civitas.organizations import services as organizations


@pytest.fixture
def units(small_city, django_capture_on_commit_callbacks):
    """Two member units in district A. The hospital has a team under it whose hours and
    members count for it; the library has nothing yet."""
    cast = small_city.cast
    with django_capture_on_commit_callbacks(execute=True):
        hospital = organizations.organization_register(
            name="市人民医院", kind="member_unit", unit_type="hospital", region=cast.city.district_a,
            contact_name="丙", contact_phone="027-5", created_by=cast.organizer_a,
        )
        library = organizations.organization_register(
            name="市图书馆", kind="member_unit", unit_type="government", region=cast.city.district_a,
            contact_name="丁", contact_phone="027-6", created_by=cast.organizer_b,
        )
        team = organizations.organization_register(
            name="医院志愿服务队", kind="team", region=cast.city.district_a, parent=hospital,
            contact_name="戊", contact_phone="027-7", created_by=cast.volunteer,
        )
        for organization in (hospital, library, team):
            organizations.organization_decide(organization=organization, action="approve", actor=cast.city_staff)
        approved_record(cast, cast.volunteer, team, dt.date(2026, 4, 1), "8.00", approver=cast.volunteer)
        make_project(hospital, cast.organizer_a, status="evaluated")
        make_project(team, cast.volunteer, status="recruiting")
    for code, measure, weight, full in (
        ("registered", "registered_share", "20", "50"),
        ("active", "active_share", "30", "100"),
        ("hours", "hours_per_member", "30", "10"),
        ("projects", "projects_run", "10", "4"),
        ("honors", "honors", "10", "2"),
    ):
        services.criterion_save(actor=cast.city_staff, code=code, name=code, measure=measure,
                                weight=Decimal(weight), full_marks_at=Decimal(full))
    services.assessment_input_save(actor=cast.city_staff, organization=hospital, year=2026, headcount=8, honors=1)
    return hospital, library


def test_scores_follow_the_criteria_and_rank_the_units(units):
    hospital, library = units

    scores = {score.organization_id: score for score in assessment.assessment_compute(year=2026)}

    # hospital + team: 2 members (two admins), 1 active, 8 h this year, 2 projects run, 1 honor
    points = {item["criterion"]: item["points"] for item in scores[hospital.pk].breakdown}
    assert points == {
        "registered": "10.00",  # 2 of 8 people = 25% of the 50% for full marks
        "active": "15.00",  # 1 of 2 = 50%
        "hours": "12.00",  # 4 h per member of 10
        "projects": "5.00",  # 2 of 4
        "honors": "5.00",  # 1 of 2
    }
    assert scores[hospital.pk].score == Decimal("47.00")
    assert (scores[hospital.pk].rank, scores[library.pk].rank) == (1, 2)
    assert scores[library.pk].score == Decimal("0.00")


def test_recomputing_replaces_the_year(units):
    assessment.assessment_compute(year=2026)
    assessment.assessment_compute(year=2026)

    assert AssessmentScore.objects.filter(year=2026).count() == 2


def test_the_ranking_page_and_breakdown_for_committee_staff(units, small_city):
    cast = small_city.cast
    hospital, _library = units
    assessment.assessment_compute(year=2026)

    ranking = cast.client_for(cast.district_staff).get(reverse("insights:assessment") + "?year=2026")
    detail = cast.client_for(cast.auditor).get(reverse("insights:assessment_detail", kwargs={"organization_pk": hospital.pk, "year": 2026}))

    assert next(score.organization_id for score in ranking.context["scores"]) == hospital.pk
    assert detail.status_code == 200
    assert detail.context["total_weight"] == Decimal("100")
    assert cast.client_for(cast.other_district_staff).get(reverse("insights:assessment") + "?year=2026").context["scores"] == []
    assert cast.client_for(cast.volunteer2).get(reverse("insights:assessment")).status_code == 403


def test_only_city_staff_enter_inputs_and_recompute(units, small_city):
    cast = small_city.cast
    hospital, _library = units
    assessment.assessment_compute(year=2026)
    url = reverse("insights:assessment_detail", kwargs={"organization_pk": hospital.pk, "year": 2026})

    denied = cast.client_for(cast.district_staff).post(url, {"headcount": "4", "honors": "2"})
    saved = cast.client_for(cast.city_staff).post(url, {"headcount": "4", "honors": "2"})
    recompute_denied = cast.client_for(cast.auditor).post(reverse("insights:assessment_recompute"), {"year": "2026"})

    assert denied.status_code == 403
    assert saved.status_code == 302
    assert AssessmentScore.objects.get(organization=hospital, year=2026).score == Decimal("62.00")  # 20 + 15 + 12 + 5 + 10
    assert recompute_denied.status_code == 403


def test_the_assessments_api_needs_a_committee_token(units, small_city, client, api_token):
    cast = small_city.cast
    assessment.assessment_compute(year=2026)

    staff = client.get("/api/v1/assessments?year=2026", **api_token(cast.city_staff))
    volunteer = client.get("/api/v1/assessments?year=2026", **api_token(cast.volunteer))
    anonymous = client.get("/api/v1/assessments?year=2026")

    assert staff.status_code == 200
    first = staff.json()["items"][0]
    assert (first["rank"], first["score"], len(first["breakdown"])) == (1, "47.00", 5)
    assert volunteer.status_code == 403
    assert anonymous.status_code == 401
