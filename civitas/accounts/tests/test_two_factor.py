"""Two-step sign-in (TOTP): required for staff when REQUIRE_STAFF_2FA is on, offered to all."""

import time

from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from civitas.conftest import PASSWORD


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _sign_in(username):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@override_settings(REQUIRE_STAFF_2FA=True)
def test_staff_without_a_device_must_set_one_up(cast):
    client = _sign_in("district-staff")
    response = client.get(reverse("organizations:review_queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    setup = client.get(response["Location"])
    assert setup.status_code == 200 and setup.context["qr"].startswith("data:image/svg+xml")
    device = TOTPDevice.objects.get(user=cast.district_staff, confirmed=False)
    wrong = client.post(reverse("accounts:two_factor"), {"code": "000000"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    # A wrong code throttles the device for a second; the person waits, the test resets.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    done = client.post(reverse("accounts:two_factor"), {"code": _code(device), "next": reverse("organizations:review_queue")})
    assert done.status_code == 302
    assert client.get(reverse("organizations:review_queue")).status_code == 200


@override_settings(REQUIRE_STAFF_2FA=True)
def test_staff_with_a_device_must_enter_a_code(cast):
    device = TOTPDevice.objects.create(user=cast.auditor, name="phone", confirmed=True)
    client = _sign_in("auditor")
    response = client.get(reverse("accounts:audit_log"))
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert client.post(reverse("accounts:two_factor_verify"), {"code": "123456"}).status_code == 200
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    ok = client.post(reverse("accounts:two_factor_verify"), {"code": _code(device), "next": reverse("accounts:audit_log")})
    assert ok["Location"] == reverse("accounts:audit_log")
    assert client.get(reverse("accounts:audit_log")).status_code == 200


@override_settings(REQUIRE_STAFF_2FA=True)
def test_organization_staff_are_staff_too(cast):
    client = _sign_in("13900000011")
    assert client.get(reverse("accounts:me")).status_code == 302


@override_settings(REQUIRE_STAFF_2FA=True)
def test_volunteers_are_not_forced(cast):
    client = _sign_in("13900000001")
    assert client.get(reverse("accounts:me")).status_code == 200


@override_settings(REQUIRE_STAFF_2FA=False)
def test_a_volunteer_who_opted_in_is_asked_for_the_code(cast):
    TOTPDevice.objects.create(user=cast.volunteer, name="phone", confirmed=True)
    client = _sign_in("13900000001")
    assert client.get(reverse("accounts:me"))["Location"].startswith(reverse("accounts:two_factor_verify"))


@override_settings(REQUIRE_STAFF_2FA=True)
def test_api_token_needs_the_code_for_staff(cast):
    device = TOTPDevice.objects.create(user=cast.city_staff, name="phone", confirmed=True)
    url = reverse("api:issue_token")
    body = {"username": "city-staff", "password": PASSWORD}
    missing = Client().post(url, body, content_type="application/json")
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "otp_required"
    wrong = Client().post(url, {**body, "otp": "000000"}, content_type="application/json")
    assert wrong.status_code == 401
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    ok = Client().post(url, {**body, "otp": _code(device)}, content_type="application/json")
    assert ok.status_code == 200


@override_settings(REQUIRE_STAFF_2FA=True)
def test_api_token_refused_to_staff_without_a_device(cast):
    response = Client().post(reverse("api:issue_token"), {"username": "city-staff", "password": PASSWORD},
                             content_type="application/json")
    assert response.status_code == 401


def test_two_factor_is_off_by_default_outside_production(settings):
    assert settings.REQUIRE_STAFF_2FA is False


def test_volunteer_can_turn_two_factor_on_and_off(cast):
    client = cast.client_for(cast.volunteer)
    assert client.get(reverse("accounts:two_factor")).status_code == 200
    device = TOTPDevice.objects.get(user=cast.volunteer)
    client.post(reverse("accounts:two_factor"), {"code": _code(device)})
    device.refresh_from_db()
    assert device.confirmed
    # A code is used once: wait for the device to accept the next one by moving its counter back.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    client.post(reverse("accounts:two_factor_disable"), {"code": _code(device)})
    assert not TOTPDevice.objects.filter(user=cast.volunteer).exists()
