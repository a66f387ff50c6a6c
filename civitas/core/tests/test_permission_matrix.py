"""Every URL, as every role, answers what civitas/permission_matrix.py says.

A new URL without an entry fails ``test_every_url_has_an_entry`` with its name; a
different answer fails ``test_permission_matrix`` with the URL, role and both statuses.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from civitas import permission_matrix
from civitas.core.permission_matrix import ADMIN_PARAMS
from civitas.permission_matrix import ROLES, Case


def url_patterns() -> list[tuple[str, str]]:
    """(key, route) for every endpoint: the namespaced name, or the route for an unnamed one."""
    found: list[tuple[str, str]] = []

    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if pattern.name:
                    found.append((f"{namespace}:{pattern.name}" if namespace else pattern.name, route))
                else:
                    found.append((route, route))

    walk(get_resolver().url_patterns, "", None)
    return found


def entry_for(key: str, table: dict[str, list[Case]]) -> list[Case] | None:
    if key in table:
        return table[key]
    for pattern, cases in table.items():
        if "*" in pattern and fnmatch.fnmatchcase(key, pattern):
            return cases
    return None


def test_every_url_has_an_entry():
    table = permission_matrix.routes()
    missing = sorted({key for key, _ in url_patterns() if entry_for(key, table) is None})
    assert not missing, (
        "These URLs have no entry in the permission matrix; add them to ROUTES in "
        "civitas/<app>/permission_matrix.py (see civitas/permission_matrix.py): " + ", ".join(missing)
    )


def test_every_entry_names_a_url():
    keys = {key for key, _ in url_patterns()}
    stale = [name for name in permission_matrix.routes() if "*" not in name and name not in keys]
    assert not stale, f"Permission matrix entries for URLs that no longer exist: {stale}"


def _url(key: str, route: str, case: Case, scene: dict[str, Any]) -> str:
    params = {**(ADMIN_PARAMS if key.startswith("admin") else {}), **case.params}
    values = {name: scene.get(value, value) if isinstance(value, str) else value for name, value in params.items()}
    if (not key.startswith("admin/") and ":" in key) or key in {"healthz", "set_language"}:
        needed = set(re.findall(r"<(?:\w+:)?(\w+)>", route)) | set(re.findall(r"\(\?P<(\w+)>", route))
        return reverse(key, kwargs={k: v for k, v in values.items() if k in needed} or None)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), path)
    return "/" + path.lstrip("^").rstrip("$")


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(cast, api_token, role):
    scene = permission_matrix.build_scene(cast)
    user = getattr(cast, role, None) if role != "visitor" else None
    client = cast.client_for(user)
    token_headers = api_token(user) if user is not None else {}
    table = permission_matrix.routes()
    # Sign-out is walked too; its session row comes back with the rollback, and the
    # client gets its cookie back here.
    session_cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    wrong = []
    for key, route in url_patterns():
        for case in entry_for(key, table) or []:
            if role not in case.expect:
                continue
            url = _url(key, route, case, scene)
            is_api = url.startswith("/api/")
            headers = token_headers if is_api else {}
            with transaction.atomic():
                if case.method == "GET":
                    response = client.get(url, case.data, **headers)
                elif is_api or case.json:
                    response = client.generic(case.method, url, __import__("json").dumps(case.data),
                                              content_type="application/json", **headers)
                else:
                    response = client.generic(case.method, url, __import__("urllib.parse").parse.urlencode(case.data),
                                              content_type="application/x-www-form-urlencoded", **headers)
                transaction.set_rollback(True)
            if session_cookie is not None:
                client.cookies[settings.SESSION_COOKIE_NAME] = session_cookie.value
            if response.status_code != case.expect[role]:
                wrong.append(f"{case.method} {url} ({key}) as {role}: {response.status_code}, "
                             f"the matrix says {case.expect[role]}")
            assert response.status_code < 500, wrong[-1] if wrong else url
    assert not wrong, "\n".join(wrong)
