from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from civitas.accounts.models import User
from civitas.core import crypto
from civitas.core.identity import normalize_mobile


def find_user_by_identifier(identifier: str) -> User | None:
    """A username, an email address or a mobile number."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if "@" in identifier:
        return User.objects.filter(email__iexact=identifier).first()
    user = User.objects.filter(username__iexact=identifier).first()
    if user is None:
        try:
            mobile = normalize_mobile(identifier)
        except ValidationError:
            return None
        user = User.objects.filter(mobile_digest=crypto.lookup_digest(mobile)).first()
    return user


class IdentifierBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        # Every page asks who the person is: volunteer profile and committee role come
        # with the user in one query instead of two more on each page.
        user = (
            User._default_manager.select_related("volunteer", "committee__region").filter(pk=user_id).first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if username is None or password is None:
            return None
        user = find_user_by_identifier(username)
        if user is None:
            User().set_password(password)  # the same work as a real check, so timing tells nothing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class LockoutBackend(AxesStandaloneBackend):
    """django-axes in front of IdentifierBackend.

    Axes needs the request to know who is trying; a call without one (a management
    command, ``Client.login`` in tests) has no address to lock, so it is passed on to
    the next backend unchanged.
    """

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The name axes counts failures under: the account's username when the identifier
    names one, so typing the mobile, then the email, then the username adds up to one
    count; otherwise the identifier as typed (folded to lower case)."""
    identifier = ""
    if credentials:
        identifier = credentials.get("username") or ""
    elif request is not None:
        identifier = request.POST.get("username", "")
    identifier = str(identifier).strip()
    user = find_user_by_identifier(identifier) if identifier else None
    return user.username.lower() if user is not None else identifier.lower()
