import pytest

from civitas.accounts.models import User

PASSWORD = "correct-horse-battery"


def test_register_through_the_api_then_take_a_token_and_read_me(client, city):
    response = client.post(
        "/api/v1/volunteers",
        {"real_name": "王小明", "mobile": "13812345678", "email": "wang@example.org", "password": PASSWORD,
         "id_type": "resident_id", "id_number": "110101199003074514", "home_community": city.community_a.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["birth_date"] == "1990-03-07"
    token = client.post("/api/v1/auth/token", {"username": "13812345678", "password": PASSWORD},
                        content_type="application/json").json()["token"]
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert me["mobile"] == "138****5678"
    assert me["id_number"] == "110***********4514"
    assert me["roles"] == ["volunteer"]


def test_invalid_registration_names_the_field(client, db):
    response = client.post(
        "/api/v1/volunteers",
        {"real_name": "王小明", "mobile": "12345", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "invalid"
    assert "mobile" in body["fields"]
    assert not User.objects.exists()


def test_malformed_json_answers_422_in_the_error_shape(client, db):
    response = client.post("/api/v1/volunteers", {"real_name": 5}, content_type="application/json")
    assert response.status_code == 422
    assert "fields" in response.json()["error"]


def test_wrong_password_gets_no_token(client, cast):
    response = client.post("/api/v1/auth/token", {"username": "13900000001", "password": "nope"},
                           content_type="application/json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"


@pytest.mark.parametrize("header", ["", "Bearer not-a-token", "Basic abc"])
def test_me_needs_a_valid_token(client, db, header):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_openapi_document_lists_the_contract(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/auth/token", "/api/v1/volunteers", "/api/v1/me", "/api/v1/regions", "/api/v1/organizations"):
        assert path in paths
