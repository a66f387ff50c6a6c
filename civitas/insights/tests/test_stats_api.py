from __future__ import annotations

import datetime as dt

from civitas.conftest import make_volunteer
from civitas.core.testing import query_budget
from civitas.insights.tests.conftest import approved_record


def test_city_stats_answer_the_contract_figures(small_city, client):
    response = client.get("/api/v1/stats?scope=city")

    assert response.status_code == 200
    body = response.json()
    assert body["registered_volunteers"] == 4
    assert body["population"] == 1500
    assert abs(body["volunteer_ratio"] - 4 / 1500) < 1e-6
    assert body["active_volunteers_12m"] == 2
    assert float(body["total_hours"]) == 10.5
    assert float(body["hours_this_year"]) == 6.5
    assert body["projects"] == 0
    assert body["organizations"] == 2


def test_region_and_organization_scopes(small_city, client):
    cast = small_city.cast

    district = client.get(f"/api/v1/stats?scope=region:{cast.city.district_b.pk}").json()
    organization = client.get(f"/api/v1/stats?scope=org:{cast.org_a.pk}").json()

    assert (district["registered_volunteers"], district["population"], district["volunteer_ratio"]) == (2, 500, 0.004)
    assert float(district["hours_this_year"]) == 0
    assert organization["population"] is None
    assert (float(organization["total_hours"]), organization["active_volunteers_12m"]) == (6.5, 2)


def test_an_unknown_scope_is_404_with_the_error_shape(small_city, client):
    for scope in ("region:999999", "org:999999", "planet:1", "region:x"):
        response = client.get(f"/api/v1/stats?scope={scope}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_stats_cost_a_fixed_number_of_queries(small_city, client, django_capture_on_commit_callbacks):
    cast = small_city.cast
    with query_budget(8) as before:
        client.get("/api/v1/stats?scope=city")
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(8):
            person = make_volunteer(f"志愿者{index}", f"1381111{index:04d}", cast.city.community_b)
            approved_record(cast, person, cast.org_b, dt.date(2026, 2, 1 + index), "2.00", approver=cast.organizer_b)
    with query_budget(8) as after:
        body = client.get("/api/v1/stats?scope=city").json()

    assert len(after.captured_queries) == len(before.captured_queries)
    assert body["registered_volunteers"] == 12
