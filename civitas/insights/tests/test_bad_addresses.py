"""Numbers no database integer holds, and digits that are not ASCII, answer 404: never
a 500 from an overflowing query, never another scope's figures."""

from __future__ import annotations

import pytest
from django.urls import reverse

HUGE = int("9" * 30)


@pytest.mark.parametrize("scope", ["org:" + "9" * 30, "region:" + "9" * 30, "region:٣", "org:", "org:1:2"])
def test_stats_answers_404_for_a_scope_that_cannot_exist(cast, scope):
    response = cast.client_for(None).get(reverse("api:stats"), {"scope": scope})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("insights:assessment_detail", {"organization_pk": HUGE, "year": 2026}),
        ("insights:assessment_detail", {"organization_pk": 1, "year": HUGE}),
        ("insights:region_dashboard", {"pk": HUGE}),
        ("insights:organization_export_csv", {"pk": HUGE, "table": "summary"}),
        ("insights:project_funding", {"project_pk": HUGE}),
        ("insights:indicator_edit", {"pk": HUGE}),
        ("insights:criterion_edit", {"pk": HUGE}),
    ],
)
def test_pages_answer_404_for_numbers_beyond_the_database(cast, name, kwargs):
    response = cast.client_for(cast.city_staff).get(reverse(name, kwargs=kwargs))

    assert response.status_code == 404
