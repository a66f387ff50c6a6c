"""Brute-force lockout (django-axes) and rate limits on sign-in and registration."""

from django.test import Client, override_settings
from django.urls import reverse

from civitas.conftest import PASSWORD


def _login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_wrong_passwords_lock_the_sign_in_page(cast):
    client = Client()
    for _ in range(4):
        assert _login(client, "13900000001", "wrong-password").status_code == 200
    assert _login(client, "13900000001", "wrong-password").status_code == 429
    # Even the right password is refused while locked.
    response = _login(client, "13900000001", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_sign_in_name(cast):
    client = Client()
    for _ in range(5):
        _login(client, "13900000001", "wrong-password")
    assert _login(client, "13900000002", PASSWORD).status_code == 302


def test_right_password_signs_in_and_resets_failures(cast):
    client = Client()
    for _ in range(3):
        _login(client, "13900000001", "wrong-password")
    assert _login(client, "13900000001", PASSWORD).status_code == 302
    client.logout()
    for _ in range(3):
        assert _login(client, "13900000001", "wrong-password").status_code == 200


def test_api_token_endpoint_locks_out_too(cast):
    client = Client()
    url = reverse("api:issue_token")
    body = {"username": "13900000001", "password": "wrong-password"}
    for _ in range(4):
        assert client.post(url, body, content_type="application/json").status_code == 401
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"
    right = client.post(url, {**body, "password": PASSWORD}, content_type="application/json")
    assert right.status_code == 429


def test_api_token_with_right_password(cast):
    response = Client().post(reverse("api:issue_token"), {"username": "13900000001", "password": PASSWORD},
                             content_type="application/json")
    assert response.status_code == 200 and response.json()["token"]


@override_settings(RATE_LIMITS={"signin": (3, 300), "register": (2, 3600), "token": (3, 300)})
def test_sign_in_page_is_rate_limited_per_address(cast):
    client = Client()
    names = ["a@example.com", "b@example.com", "c@example.com"]
    for name in names:
        assert _login(client, name, "x").status_code == 200
    assert _login(client, "d@example.com", "x").status_code == 429


@override_settings(RATE_LIMITS={"signin": (3, 300), "register": (2, 3600), "token": (3, 300)})
def test_token_endpoint_is_rate_limited(cast):
    client = Client()
    for i in range(3):
        client.post(reverse("api:issue_token"), {"username": f"u{i}@example.com", "password": "x"},
                    content_type="application/json")
    response = client.post(reverse("api:issue_token"), {"username": "z@example.com", "password": "x"},
                           content_type="application/json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"


@override_settings(RATE_LIMITS={"signin": (3, 300), "register": (2, 3600), "token": (3, 300)})
def test_registration_page_and_api_are_rate_limited(db):
    client = Client()
    for _ in range(2):
        assert client.post(reverse("accounts:signup"), {"real_name": ""}).status_code == 200
    assert client.post(reverse("accounts:signup"), {"real_name": ""}).status_code == 429
    assert client.get(reverse("accounts:signup")).status_code == 200
    api = Client(REMOTE_ADDR="10.0.0.9")
    for _ in range(2):
        assert api.post("/api/v1/volunteers", {"real_name": "x", "password": "y"},
                        content_type="application/json").status_code == 422
    response = api.post("/api/v1/volunteers", {"real_name": "x", "password": "y"}, content_type="application/json")
    assert response.status_code == 429


def test_session_ends_half_a_day_after_sign_in(cast):
    import time_machine

    with time_machine.travel("2026-12-01 08:00 +0800", tick=False) as traveller:
        client = Client()
        client.post(reverse("accounts:login"), {"username": "13900000001", "password": PASSWORD})
        assert client.get(reverse("accounts:me")).status_code == 200
        traveller.shift(11 * 3600)
        assert client.get(reverse("accounts:me")).status_code == 200
        traveller.shift(2 * 3600)
        assert client.get(reverse("accounts:me")).status_code == 302


def test_password_change_page_checks_the_rules(cast):
    client = cast.client_for(cast.volunteer)
    url = reverse("accounts:password_change")
    weak = client.post(url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200 and weak.context["form"].errors
    ok = client.post(url, {"old_password": PASSWORD, "new_password1": "a-much-better-pass", "new_password2": "a-much-better-pass"})
    assert ok.status_code == 302
    cast.volunteer.refresh_from_db()
    assert cast.volunteer.check_password("a-much-better-pass")


def test_test_client_login_still_works_without_a_request(cast):
    # Client.login calls authenticate() without a request; the lockout backend steps aside.
    assert Client().login(username="13900000001", password=PASSWORD)
