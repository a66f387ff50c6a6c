"""Attacks through data: script in every text field stays inert on every page, and SQL
metacharacters in every search box are plain text."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, models

from civitas import permission_matrix
from civitas.core.tests.test_permission_matrix import _url, entry_for, url_patterns

SCRIPT = '<script>alert("xss")</script><img src=x onerror=alert(1)>"\''
RAW_MARKERS = ['<script>alert("xss")', "<img src=x onerror"]
# Columns that carry structure rather than text the people type.
STRUCTURAL = {"path", "password", "username", "volunteer_number", "code", "key_digest", "session_key"}


def _unique_alone(model: type[models.Model], field: models.Field) -> bool:
    """Unique by itself, as ``unique=True`` or a one-column (partial) unique constraint:
    one value written to every row would collide."""
    return field.unique or any(
        isinstance(constraint, models.UniqueConstraint) and tuple(constraint.fields) == (field.name,)
        for constraint in model._meta.constraints
    )


def _text_fields(model: type[models.Model]) -> list[str]:
    names = []
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField) or field.choices or _unique_alone(model, field):
            continue
        if field.name in STRUCTURAL or field.name.endswith("_digest") or field.primary_key:
            continue
        names.append(field)
    return names


def _poison_every_text_field() -> list[str]:
    """Write the script into every free-text column of every Civitas model, as far as
    the column is long enough; answers the columns poisoned."""
    poisoned = []
    for model in apps.get_models():
        if not model.__module__.startswith("civitas.") or model._meta.proxy or not model._meta.managed:
            continue
        if model.__name__ == "AuditEntry":
            continue  # append-only: poisoned through the services below instead
        for field in _text_fields(model):
            value = SCRIPT[: field.max_length] if field.max_length else SCRIPT
            if field.max_length and field.max_length < 30:
                value = "<b>x</b>"[: field.max_length]
            model._base_manager.update(**{field.name: value})
            poisoned.append(f"{model._meta.label}.{field.name}")
    return poisoned


@pytest.mark.parametrize("role", ["visitor", "volunteer", "organizer_a", "district_staff", "auditor"])
def test_script_in_every_text_field_is_shown_inert(cast, role):
    from civitas.accounts.audit import audit

    scene = permission_matrix.build_scene(cast)
    audit(actor=cast.city_staff, action="export.test", target=cast.org_a, details={"note": SCRIPT})
    poisoned = _poison_every_text_field()
    assert "organizations.Organization.description" in poisoned and "accounts.VolunteerProfile.real_name" in poisoned
    client = cast.client_for(None if role == "visitor" else getattr(cast, role))
    table = permission_matrix.routes()
    pages = 0
    for key, route in url_patterns():
        for case in entry_for(key, table) or []:
            if case.method != "GET" or case.expect.get(role) != 200 or key.startswith("admin"):
                continue
            response = client.get(_url(key, route, case, scene))
            if not response["Content-Type"].startswith("text/html"):
                continue
            pages += 1
            body = response.content.decode()
            for marker in RAW_MARKERS:
                assert marker not in body, f"{key} as {role} shows a live script from stored data"
    assert pages >= 8


def test_script_in_membership_note_and_reasons_is_escaped(cast):
    from civitas.organizations import services

    services.membership_apply(user=cast.volunteer, organization=cast.org_a, note=SCRIPT)
    body = cast.client_for(cast.organizer_a).get(f"/organizations/{cast.org_a.pk}/members/").content.decode()
    assert "&lt;script&gt;alert(&quot;xss&quot;)" in body
    assert RAW_MARKERS[0] not in body


SQL = ["' OR '1'='1", '"; DROP TABLE accounts_user; --', "%_\\' UNION SELECT password FROM accounts_user --"]
SEARCH_PARAMETERS = ["q", "search", "actor", "status", "kind", "region", "target_type", "action", "level", "parent"]


@pytest.mark.parametrize("role", ["visitor", "auditor"])
def test_sql_metacharacters_in_every_search_box_are_harmless(cast, role):
    scene = permission_matrix.build_scene(cast)
    client = cast.client_for(None if role == "visitor" else getattr(cast, role))
    table = permission_matrix.routes()
    for key, route in url_patterns():
        for case in entry_for(key, table) or []:
            if case.method != "GET" or case.expect.get(role) != 200 or key.startswith(("admin", "api:openapi")):
                continue
            url = _url(key, route, case, scene)
            baseline = client.get(url).status_code
            for text in SQL:
                response = client.get(url, dict.fromkeys(SEARCH_PARAMETERS, text))
                assert response.status_code in (baseline, 422), f"{url} with {text!r}: {response.status_code}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM accounts_user")
        assert cursor.fetchone()[0] >= 9


def test_wildcards_in_a_search_match_only_themselves(cast):
    client = cast.client_for(None)
    for text in ("%", "_", "' OR '1'='1"):
        assert client.get("/api/v1/organizations", {"q": text}).json()["count"] == 0
        page = client.get("/organizations/", {"q": text})
        assert cast.org_a.name not in page.content.decode()
    assert client.get("/api/v1/organizations", {"q": "阳光"}).json()["count"] == 1
