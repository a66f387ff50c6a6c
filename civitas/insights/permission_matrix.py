"""Permission matrix entries for insights (see civitas/permission_matrix.py).

Dashboards, reports and exports of a scope are for those who read it: the committee
staff and auditors over it (district A's, the city's) and, for an organization, its own
staff. Everyone else gets 404, as if the scope had no dashboard. Indicators and the
assessment ranking are for committee staff and auditors (403 otherwise: they are no
secret, the indicators are public through the API); only city staff change them.
"""

from civitas.permission_matrix import STAFF, Case, api, each, page, signed_in

# Who reads district A and everything in it (org A, its projects, the member unit).
A_READERS = {"district_staff": 200, "city_staff": 200, "auditor": 200}
CITY_READERS = {"city_staff": 200, "auditor": 200}
ORG_A_READERS = {"organizer_a": 200, **A_READERS}
STAFF_READ = each(STAFF, 200)

INDICATOR = {
    "code": "matrix-share", "name": "志愿者占比", "name_en": "Volunteer share", "description": "",
    "computation": "volunteer_share", "target": "13", "unit": "%", "position": "1", "is_active": "on",
}
CRITERION = {
    "code": "matrix-hours", "name": "人均时长", "name_en": "Hours per member", "measure": "hours_per_member",
    "weight": "10", "full_marks_at": "20", "position": "1", "is_active": "on",
}


def _scope_pages(target: str, readers: dict[str, int], **extra: str) -> Case:
    return Case(params={"pk": target, **extra}, expect=signed_in(404, **readers))


ROUTES = {
    # Everyone with a dashboard is sent to it; volunteers without a role have none.
    "insights:index": Case(expect=signed_in(302, volunteer=403, volunteer2=403)),
    "insights:region_dashboard": [
        _scope_pages("insights_district_a", A_READERS),
        _scope_pages("insights_city", CITY_READERS),
    ],
    "insights:organization_dashboard": _scope_pages("insights_org_a", ORG_A_READERS),
    "insights:region_export_csv": [
        _scope_pages("insights_district_a", A_READERS, table="summary"),
        Case(params={"pk": "insights_district_a", "table": "no-such-table"}, expect=signed_in(404)),
    ],
    "insights:region_export_xlsx": _scope_pages("insights_district_a", A_READERS, table="months"),
    "insights:region_report": _scope_pages("insights_district_a", A_READERS),
    "insights:organization_export_csv": _scope_pages("insights_org_a", ORG_A_READERS, table="summary"),
    "insights:organization_export_xlsx": _scope_pages("insights_org_a", ORG_A_READERS, table="status"),
    "insights:organization_report": _scope_pages("insights_org_a", ORG_A_READERS),
    # The city-wide interchange file: the city office and the city's auditors.
    "insights:interchange": Case(expect=signed_in(403, **CITY_READERS)),
    "insights:indicators": Case(expect=signed_in(403, **STAFF_READ)),
    "insights:indicator_new": [
        Case(expect=signed_in(403, city_staff=200)),
        Case("POST", data=INDICATOR, expect=signed_in(403, city_staff=302)),
    ],
    "insights:indicator_edit": [
        Case(params={"pk": "insights_indicator"}, expect=signed_in(403, city_staff=200)),
        Case("POST", params={"pk": "insights_indicator"}, data={**INDICATOR, "code": "matrix-edited"},
             expect=signed_in(403, city_staff=302)),
    ],
    "insights:assessment": Case(expect=signed_in(403, **STAFF_READ)),
    "insights:assessment_recompute": Case("POST", data={"year": "2026"}, expect=signed_in(403, city_staff=302)),
    "insights:criterion_new": [
        Case(expect=signed_in(403, city_staff=200)),
        Case("POST", data=CRITERION, expect=signed_in(403, city_staff=302)),
    ],
    "insights:criterion_edit": [
        Case(params={"pk": "insights_criterion"}, expect=signed_in(403, city_staff=200)),
        Case("POST", params={"pk": "insights_criterion"}, data={**CRITERION, "code": "matrix-edited"},
             expect=signed_in(403, city_staff=302)),
    ],
    # A member unit's score: its readers see it, only city staff enter its numbers.
    "insights:assessment_detail": [
        Case(params={"organization_pk": "insights_unit", "year": "insights_year"}, expect=signed_in(404, **A_READERS)),
        Case("POST", params={"organization_pk": "insights_unit", "year": "insights_year"},
             data={"headcount": "40", "honors": "2"},
             expect=signed_in(404, district_staff=403, auditor=403, city_staff=302)),
    ],
    # A project's money: its organization and the committee over it record it; the
    # auditor over it reads it and changes nothing.
    "insights:project_funding": [
        Case(params={"project_pk": "insights_project"}, expect=signed_in(404, **ORG_A_READERS)),
        Case("POST", params={"project_pk": "insights_project"},
             data={"source": "government", "budgeted": "100", "received": "50", "spent": "10", "note": ""},
             expect=signed_in(404, organizer_a=302, district_staff=302, city_staff=302, auditor=403)),
    ],
    # Aggregate figures and indicator values are public; the ranking is not.
    "api:stats": [
        Case(expect=page(200)),
        Case(data={"scope": "org:insights-none"}, expect=page(404)),
    ],
    "api:indicators": Case(expect=page(200)),
    "api:assessments": Case(expect=api(403, **STAFF_READ)),
}


def build_scene(cast, scene):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from civitas.conftest import make_volunteer
    from civitas.insights import assessment, services
    from civitas.organizations import services as organizations
    from civitas.projects import services as projects

    scene["insights_city"] = cast.city.city.pk
    scene["insights_district_a"] = cast.city.district_a.pk
    scene["insights_org_a"] = cast.org_a.pk
    scene["insights_project"] = projects.project_create(
        organization=cast.org_a, actor=cast.organizer_a, title="矩阵项目", category="community",
    ).pk
    scene["insights_indicator"] = services.indicator_save(actor=cast.city_staff, **{
        **INDICATOR, "code": "matrix-indicator", "target": 13, "position": 1, "is_active": True,
    }).pk
    scene["insights_criterion"] = services.criterion_save(actor=cast.city_staff, **{
        **CRITERION, "code": "matrix-criterion", "weight": 10, "full_marks_at": 20, "position": 1, "is_active": True,
    }).pk
    # Only member units are scored; this one is in district A, proposed by someone
    # outside the cast so that no persona's own roles change.
    proposer = make_volunteer("单位联络人", "13900000461", cast.city.community_a)
    unit = organizations.organization_register(
        name="矩阵成员单位", kind="member_unit", region=cast.city.district_a, contact_name="丁",
        contact_phone="027-461", created_by=proposer,
    )
    organizations.organization_decide(organization=unit, action="approve", actor=cast.city_staff)
    year = timezone.localdate().year
    assessment.assessment_compute(year=year)
    scene["insights_unit"] = unit.pk
    scene["insights_year"] = year
