"""Numbers beyond what a database integer holds are refused as bad input, never a 500."""

from __future__ import annotations

import pytest

BIG = 99_999_999_999_999_999_999


@pytest.mark.parametrize("query", [f"skill={BIG}", f"region={BIG}", "page=100001"])
def test_search_with_an_oversized_number_is_refused(client, db, query):
    assert client.get(f"/api/v1/projects?{query}").status_code == 422


@pytest.mark.parametrize("field", ["organization", "region", "beneficiary_count"])
def test_project_with_an_oversized_number_is_refused(cast, client, api_token, field):
    payload = {"organization": cast.org_a.pk, "title": "助餐", "category": "community", field: BIG}

    response = client.post("/api/v1/projects", payload, content_type="application/json", **api_token(cast.organizer_a))

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
