"""The permission matrix: who gets which answer from every URL (issue #10).

``civitas/core/tests/test_permission_matrix.py`` walks every URL pattern of the
project (pages, API, admin) as each role of the test cast and compares the status code
with the table here. A URL without an entry fails the test, naming the URL.

Each app keeps its own part in ``civitas/<app>/permission_matrix.py``:

    from civitas.permission_matrix import Case, api, page

    ROUTES = {
        # url name: one Case or a list of them
        "projects:detail": Case(params={"pk": "project_a"}, expect=page(200)),
        "projects:edit": Case(params={"pk": "project_a"},
                              expect=page(403, organizer_a=200, district_staff=200, city_staff=200)),
        "api:project_transition": Case("POST", params={"project_id": "project_a"}, data={"action": "submit"},
                                       expect=api(404, organizer_a=200)),
    }

    def build_scene(cast, scene):
        # objects the cases name in ``params``: scene[name] = a primary key
        scene["project_a"] = projects_services.project_create(..., organization=cast.org_a).pk

``params`` maps each path parameter to a name in the scene (or gives a literal value
with ``literal=True`` semantics: a value that is not a scene name is used as it is).
Every request runs inside a savepoint that is rolled back, so a POST that succeeds
for one role leaves nothing behind for the next request.

Roles (the cast in civitas/conftest.py): the target objects are always "A" things —
org_a in district A, the volunteer who lives in community A and applied to org_a — so
organizer_b, other_district_staff and volunteer2 are the outsiders.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

ROLES = (
    "visitor",
    "volunteer",
    "volunteer2",
    "organizer_a",
    "organizer_b",
    "district_staff",
    "other_district_staff",
    "city_staff",
    "auditor",
)
STAFF = ("district_staff", "other_district_staff", "city_staff", "auditor")
VOLUNTEERS = ("volunteer", "volunteer2", "organizer_a", "organizer_b")


def page(default: int, *, visitor: int | None = None, **by_role: int) -> dict[str, int]:
    """Statuses for a page: ``default`` for every signed-in role unless named;
    a visitor gets ``visitor`` (default: the same as everyone)."""
    table = dict.fromkeys(ROLES, default)
    if visitor is not None:
        table["visitor"] = visitor
    table.update(by_role)
    return table


def signed_in(default: int, **by_role: int) -> dict[str, int]:
    """A page behind sign-in: visitors are sent to the sign-in page (302)."""
    return page(default, visitor=302, **by_role)


def api(default: int, *, visitor: int = 401, **by_role: int) -> dict[str, int]:
    """An API endpoint behind a token: a caller without one gets 401."""
    return page(default, visitor=visitor, **by_role)


def each(roles: tuple[str, ...], status: int) -> dict[str, int]:
    return dict.fromkeys(roles, status)


@dataclass
class Case:
    method: str = "GET"
    params: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    expect: dict[str, int] = field(default_factory=dict)
    json: bool = False  # send ``data`` as a JSON body (API endpoints do this by default)
    note: str = ""


def _app_modules() -> list[Any]:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("civitas."):
            continue
        try:
            modules.append(importlib.import_module(f"{config.name}.permission_matrix"))
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.permission_matrix":
                raise
    return modules


def routes() -> dict[str, list[Case]]:
    table: dict[str, list[Case]] = {}
    for module in _app_modules():
        for name, cases in getattr(module, "ROUTES", {}).items():
            if name in table:
                raise ValueError(f"{name} is in the permission matrix twice ({module.__name__})")
            table[name] = cases if isinstance(cases, list) else [cases]
    return table


def build_scene(cast: Any) -> dict[str, Any]:
    scene: dict[str, Any] = {}
    for module in _app_modules():
        builder = getattr(module, "build_scene", None)
        if builder is not None:
            builder(cast, scene)
    return scene
