"""The rollups follow the real services: projects.services publishes
``project.transitioned`` and accounts.services ``volunteer.registered``; the handlers
wired on InsightsConfig move the figures the dashboards and the stats API read."""

from __future__ import annotations

from django.urls import reverse

from civitas.conftest import make_volunteer
from civitas.insights import rollups, selectors
from civitas.projects import services as projects


def _city_stats(client, scope="city"):  # type: ignore[no-untyped-def]
    response = client.get(reverse("api:stats"), {"scope": scope})
    assert response.status_code == 200
    return response.json()


def _status_counts(scope: selectors.Scope) -> dict[str, int]:
    return {value: count for value, _label, count in selectors.dashboard(scope, 2026).status_counts}


def test_a_project_walked_through_the_projects_services_moves_the_dashboard_tallies(
    cast, django_capture_on_commit_callbacks
):
    rollups.rebuild_all()
    district = selectors.Scope("region", region=cast.city.district_a)
    organization = selectors.Scope("organization", organization=cast.org_a)
    client = cast.client_for(None)
    assert _city_stats(client)["projects"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        project = projects.project_create(
            organization=cast.org_a, actor=cast.organizer_a, title="河道清洁", category="environment",
        )
    # a draft is the organization's own business: not counted anywhere yet
    assert _status_counts(district) == {}

    with django_capture_on_commit_callbacks(execute=True):
        projects.project_transition(project=project, action="submit", actor=cast.organizer_a)
    assert _status_counts(district) == {"submitted": 1}
    assert _status_counts(organization) == {"submitted": 1}
    assert _city_stats(client)["projects"] == 0  # submitted is not yet approved

    with django_capture_on_commit_callbacks(execute=True):
        projects.project_transition(project=project, action="approve", actor=cast.district_staff)
        projects.project_transition(project=project, action="recruit", actor=cast.organizer_a)

    assert _status_counts(district) == {"recruiting": 1}
    assert _status_counts(selectors.Scope("city", region=cast.city.city)) == {"recruiting": 1}
    assert _status_counts(selectors.Scope("region", region=cast.city.district_b)) == {}
    assert _city_stats(client)["projects"] == 1
    assert _city_stats(client, f"org:{cast.org_a.pk}")["projects"] == 1
    assert _city_stats(client, f"org:{cast.org_b.pk}")["projects"] == 0
    page = cast.client_for(cast.district_staff).get(
        reverse("insights:region_dashboard", kwargs={"pk": cast.city.district_a.pk})
    )
    assert page.status_code == 200
    assert page.context["board"].figures.projects_run == 1
    # and what the handlers kept is what a rebuild from raw data finds
    kept = rollups.snapshot()
    rollups.rebuild_all()
    assert rollups.snapshot() == kept


def test_a_volunteer_registered_through_the_accounts_services_is_counted(cast, django_capture_on_commit_callbacks):
    rollups.rebuild_all()
    client = cast.client_for(None)
    before_city = _city_stats(client)["registered_volunteers"]
    before_a = _city_stats(client, f"region:{cast.city.district_a.pk}")["registered_volunteers"]
    before_b = _city_stats(client, f"region:{cast.city.district_b.pk}")["registered_volunteers"]
    district_a = selectors.Scope("region", region=cast.city.district_a)
    new_this_month = selectors.dashboard(district_a, 2026).months[-1]["new_volunteers"]

    with django_capture_on_commit_callbacks(execute=True):
        make_volunteer("新来的", "13900000462", cast.city.community_a)

    assert _city_stats(client)["registered_volunteers"] == before_city + 1
    assert _city_stats(client, f"region:{cast.city.district_a.pk}")["registered_volunteers"] == before_a + 1
    assert _city_stats(client, f"region:{cast.city.district_b.pk}")["registered_volunteers"] == before_b
    # June 2026, where time stands in these tests
    assert selectors.dashboard(district_a, 2026).months[-1]["new_volunteers"] == new_this_month + 1
