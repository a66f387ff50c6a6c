"""Two-factor sign-in with a time-based one-time code (TOTP, django-otp).

Who must use it: committee staff, auditors and organization staff when
``REQUIRE_STAFF_2FA`` is on (production), and anyone who has set it up. The decision is
taken once at sign-in and kept in the session, so ordinary page views cost no query.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

SESSION_KEY = "civitas_second_factor"  # "verify": has a device; "setup": must create one


def must_use_two_factor(user: Any) -> bool:
    if not getattr(settings, "REQUIRE_STAFF_2FA", False):
        return False
    from civitas.organizations import permissions

    return bool(
        user.is_superuser
        or permissions.is_committee_staff(user)
        or permissions.is_auditor(user)
        or permissions.is_organization_staff(user)
    )


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def second_factor_state(user: Any) -> str:
    if confirmed_device(user) is not None:
        return "verify"
    if must_use_two_factor(user):
        return "setup"
    return ""


@receiver(user_logged_in, dispatch_uid="civitas_second_factor")
def _remember_state(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    state = second_factor_state(user)
    if state:
        request.session[SESSION_KEY] = state
    else:
        request.session.pop(SESSION_KEY, None)


def verify_code(user: Any, code: str) -> TOTPDevice | None:
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if not code:
        return None
    for device in devices_for_user(user, confirmed=True):
        if device.verify_token(code):
            return device
    return None


EXEMPT_PREFIXES = ("/static/", "/media/", "/i18n/", "/healthz", "/api/")


class StaffTwoFactorMiddleware:
    """Sends a signed-in person who still owes a second factor to the page that takes it."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        state = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if state and request.user.is_authenticated and not request.user.is_verified():
            allowed = {
                reverse("accounts:two_factor"),
                reverse("accounts:two_factor_verify"),
                reverse("accounts:logout"),
            }
            if request.path not in allowed and not request.path.startswith(EXEMPT_PREFIXES):
                target = "accounts:two_factor_verify" if state == "verify" else "accounts:two_factor"
                return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
