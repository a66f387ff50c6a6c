from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.accounts import services
from civitas.accounts.forms import (
    ProfileForm,
    SignInForm,
    SignupForm,
    availability_from_choices,
    availability_to_choices,
)
from civitas.core.forms import apply_service_errors
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
