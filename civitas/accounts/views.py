from __future__ import annotations

import json
from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from civitas.accounts import selectors, services, twofactor
from civitas.accounts.audit import audit
from civitas.accounts.forms import (
    AuditFilterForm,
    CloseAccountForm,
    CodeForm,
    ProfileForm,
    SignInForm,
    SignupForm,
    availability_from_choices,
    availability_to_choices,
)
from civitas.accounts.models import User
from civitas.core.api import error_body
from civitas.core.forms import apply_service_errors
from civitas.core.pagination import paginate
from civitas.core.ratelimit import rate_limit
from civitas.organizations.selectors import memberships_of


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, and for a signed-in person also their saved preference
    (messages they are sent follow it)."""
    from django.views.i18n import set_language as django_set_language

    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_set_language(user=request.user, language=language)
    return response


def _remember_language(response: HttpResponse, language: str) -> HttpResponse:
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@rate_limit("register")
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and hasattr(request.user, "volunteer"):
        return redirect("accounts:me")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.volunteer_register(
                real_name=data["real_name"],
                password=data["password"],
                mobile=data["mobile"],
                email=data["email"],
                id_type=data["id_type"],
                id_number=data["id_number"],
                birth_date=data["birth_date"],
                gender=data["gender"],
                display_name=data["display_name"],
                home_community=data["home_community"],
                skills=data["skills"],
                interests=data["interests"],
                availability=availability_from_choices(data["availability"]),
                languages=data["languages"],
                emergency_contact_name=data["emergency_contact_name"],
                emergency_contact_mobile=data["emergency_contact_mobile"],
                guardian=services.Guardian(
                    name=data["guardian_name"], relation=data["guardian_relation"], mobile=data["guardian_mobile"]
                ),
                language=request.LANGUAGE_CODE,
                privacy_consent=data["privacy_consent"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            login(request, user, backend="civitas.accounts.backends.IdentifierBackend")
            messages.success(
                request,
                _("Welcome! Your volunteer number is %(number)s.") % {"number": user.volunteer.volunteer_number},
            )
            return redirect("accounts:me")
    return render(
        request,
        "core/form.html",
        {"form": form, "title": _("Register as a volunteer"), "submit_label": _("Register"),
         "intro": _("Fields marked * are required. Your ID number and phone are never shown in full to the public.")},
    )


@method_decorator(rate_limit("signin"), name="dispatch")
class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        return _remember_language(response, form.get_user().language)


@login_required
def me(request: HttpRequest) -> HttpResponse:
    profile = getattr(request.user, "volunteer", None)
    return render(
        request,
        "accounts/me.html",
        {"profile": profile, "memberships": memberships_of(user=request.user)},
    )


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = getattr(request.user, "volunteer", None)
    if profile is None:
        return redirect("accounts:signup")
    initial = {
        "display_name": profile.display_name,
        "mobile": request.user.mobile,
        "email": request.user.email or "",
        "home_community": profile.home_community_id,
        "skills": list(profile.skills.all()),
        "interests": profile.interests,
        "availability": availability_to_choices(profile.availability),
        "languages": profile.languages,
        "emergency_contact_name": profile.emergency_contact_name,
        "emergency_contact_mobile": profile.emergency_contact_mobile,
        "bio": profile.bio,
        "is_profile_public": profile.is_profile_public,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.volunteer_update_profile(
                user=request.user,
                display_name=data["display_name"],
                mobile=data["mobile"],
                email=data["email"],
                home_community=data["home_community"],
                skills=data["skills"],
                interests=data["interests"],
                availability=availability_from_choices(data["availability"]),
                languages=data["languages"],
                emergency_contact_name=data["emergency_contact_name"],
                emergency_contact_mobile=data["emergency_contact_mobile"],
                bio=data["bio"],
                is_profile_public=data["is_profile_public"],
                language=request.LANGUAGE_CODE,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:me")
    return render(request, "core/form.html", {"form": form, "title": _("Edit my profile")})


password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
    extra_context={"title": gettext_lazy("Reset your password")},
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


password_change = login_required(
    auth_views.PasswordChangeView.as_view(
        template_name="core/form.html",
        success_url=reverse_lazy("accounts:me"),
        extra_context={"title": gettext_lazy("Change your password"), "submit_label": gettext_lazy("Change password")},
    )
)


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """What django-axes answers to a locked-out sign-in: the API's error shape on the
    API, a page elsewhere; 429 both ways."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("Too many failed sign-ins. Try again in %(minutes)d minutes or reset your password.") % {
        "minutes": minutes
    }
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(error_body("locked_out", message), status=429)
    else:
        response = render(request, "accounts/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


# --- Two-factor sign-in -------------------------------------------------------------------


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("accounts:me")


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the code, type one code back to confirm."""
    device = twofactor.confirmed_device(request.user)
    if device is not None:
        return render(request, "accounts/two_factor.html", {"device": device,
                                                             "required": twofactor.must_use_two_factor(request.user),
                                                             "form": CodeForm()})
    pending = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if pending is None:
        pending = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if pending.verify_token("".join(ch for ch in form.cleaned_data["code"] if ch.isdigit())):
            TOTPDevice.objects.filter(pk=pending.pk).update(confirmed=True)
            pending.confirmed = True
            otp_login(request, pending)
            request.session.pop(twofactor.SESSION_KEY, None)
            messages.success(request, _("Two-step sign-in is on. You will be asked for a code when you sign in."))
            return redirect(_safe_next(request))
        form.add_error("code", _("That code is not right. Check the time on your phone and try the newest code."))
    qr = segno.make(pending.config_url, error="m").svg_data_uri(scale=5, border=2)
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "qr": qr, "secret": b32encode(pending.bin_key).decode(), "next": _safe_next(request),
        "required": twofactor.must_use_two_factor(request.user),
    })


@login_required
@rate_limit("signin")
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify_code(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            request.session.pop(twofactor.SESSION_KEY, None)
            return redirect(_safe_next(request))
        form.add_error("code", _("That code is not right. Try the newest code from your app."))
    return render(request, "core/form.html", {
        "form": form, "title": _("Enter your sign-in code"), "submit_label": _("Continue"),
        "intro": _("Open your authenticator app and type the six-digit code shown for Civitas."),
    })


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    if twofactor.must_use_two_factor(request.user):
        messages.error(request, _("Staff must keep two-step sign-in on."))
        return redirect("accounts:two_factor")
    form = CodeForm(request.POST)
    if form.is_valid() and twofactor.verify_code(request.user, form.cleaned_data["code"]) is not None:
        TOTPDevice.objects.filter(user=request.user).delete()
        audit(actor=request.user, action="two_factor.disable", target=request.user)
        messages.success(request, _("Two-step sign-in is off."))
    else:
        messages.error(request, _("That code is not right. Try the newest code from your app."))
    return redirect("accounts:two_factor")


# --- Personal data ------------------------------------------------------------------------


@login_required
@require_POST
def personal_data(request: HttpRequest, user_id: int) -> HttpResponse:
    """Show one person's full ID number and phones, once, to someone allowed to see them.
    Every reveal is audited; the answer is never cached."""
    person = get_object_or_404(User.objects.select_related("volunteer__home_community"), pk=user_id)
    data = services.personal_data_reveal(viewer=request.user, person=person)
    template = "accounts/personal_data_fragment.html" if request.htmx else "accounts/personal_data.html"
    response = render(request, template, {"person": person, "data": data})
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def data_export(request: HttpRequest) -> HttpResponse:
    data = services.personal_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="civitas-{request.user.pk}.json"'
    add_never_cache_headers(response)
    return response


@login_required
def account_close(request: HttpRequest) -> HttpResponse:
    form = CloseAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_close(user=request.user, password=form.cleaned_data["password"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            logout(request)
            messages.success(request, _("Your account is closed and your personal data is removed."))
            return redirect("publicity:home")
    return render(request, "core/form.html", {
        "form": form, "title": _("Close my account"), "submit_label": _("Close my account for good"),
        "intro": _("Your name, contact details and ID number are removed and you can no longer sign in. "
                   "Hours you served stay in the city's figures without your name. Download your data first "
                   "if you want a copy."),
    })


@login_required
def consent(request: HttpRequest) -> HttpResponse:
    profile = getattr(request.user, "volunteer", None)
    if profile is None:
        return redirect("accounts:signup")
    current = settings.CIVITAS["PRIVACY_CONSENT_VERSION"]
    if request.method == "POST":
        services.volunteer_consent_update(user=request.user, version=current)
        messages.success(request, _("Thank you. Your consent is recorded."))
        return redirect("accounts:me")
    return render(request, "accounts/consent.html", {
        "profile": profile, "current": current, "history": request.user.consents.all()[:50],
    })


# --- Audit trail ----------------------------------------------------------------------------


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    from civitas.organizations import permissions

    watched = permissions.watched_region(request.user)
    if not (request.user.is_superuser or permissions.is_auditor(request.user)):
        raise PermissionDenied(_("Only auditors read the audit trail."))
    filters = AuditFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    entries = selectors.audit_entries(
        region_path=None if request.user.is_superuser else watched.path if watched else "/-none-/",
        action=data.get("action", ""), actor=data.get("actor", ""), target_type=data.get("target_type", ""),
        since=data.get("since"), until=data.get("until"),
    )
    return render(request, "accounts/audit_log.html", {
        "filters": filters, "page": paginate(request, entries, 50), "region": watched,
    })
