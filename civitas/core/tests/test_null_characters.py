"""A NUL character in a request answers 422 (API) or 400 (page) naming the field, and
nothing reaches the database (PostgreSQL cannot store or compare such text)."""

import json

from civitas.accounts.models import User


def test_api_query_with_a_null_character_names_the_field(client, db):
    response = client.get("/api/v1/projects", {"q": "助\x00老"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {"q": ["文字中不能含有空字符（NUL）。"]}


def test_page_query_with_a_null_character_is_a_bad_request(client, db):
    response = client.get("/projects/", {"q": "a\x00"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.content.decode() == "q: Text may not contain the null character."


def test_json_body_with_a_null_character_saves_nothing(client, db):
    before = User.objects.count()
    body = {"real_name": "张\u0000三", "password": "a long enough password 1", "mobile": "13700000009",
            "privacy_consent": True}
    response = client.post("/api/v1/volunteers", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["real_name"]
    assert User.objects.count() == before


def test_an_escaped_backslash_is_not_a_null_character(client, db):
    response = client.get("/api/v1/projects", {"q": "\\u0000"})
    assert response.status_code == 200
