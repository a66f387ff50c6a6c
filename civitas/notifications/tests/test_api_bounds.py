"""Inputs the API refuses with a 422 rather than a server error."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("page", ["0", "-1", "100001", str(10**20), "x"])
def test_a_page_out_of_bounds_is_refused(cast, api_token, page):
    response = cast.client_for(None).get("/api/v1/me/notifications", {"page": page}, **api_token(cast.volunteer))
    assert response.status_code == 422


def test_the_last_allowed_page_answers_empty(cast, api_token):
    response = cast.client_for(None).get("/api/v1/me/notifications", {"page": 100_000}, **api_token(cast.volunteer))
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_reading_a_notification_with_an_enormous_id_is_not_found(cast, api_token):
    response = cast.client_for(None).post(f"/api/v1/me/notifications/{10**20}/read", **api_token(cast.volunteer))
    assert response.status_code in (404, 422)
