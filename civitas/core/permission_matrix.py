"""Permission matrix entries for project-wide URLs (see civitas/permission_matrix.py)."""

from civitas.permission_matrix import VOLUNTEERS, Case, page


def OUTSIDE_ADMIN(status: int) -> dict[str, int]:
    return dict.fromkeys(("visitor", *VOLUNTEERS), status)


ROUTES = {
    "healthz": Case(expect=page(200)),
    "set_language": Case("POST", data={"language": "en", "next": "/"}, expect=page(302)),
    "api:openapi-json": Case(expect=page(200)),
    "api:openapi-view": Case(expect=page(200)),
    "api:api-root": Case(expect=page(404)),
    # The admin is for superusers, committee staff and auditors (their assignment makes
    # them staff; every admin list is scoped to their region, tested in
    # organizations/tests/test_admin.py). Volunteers and organizers are sent to the
    # admin's sign-in page; what each committee role sees inside is not walked here.
    "admin:login": Case(expect=OUTSIDE_ADMIN(200)),
    "admin:logout": Case("POST", expect=page(302)),
    "admin:*": Case(expect=OUTSIDE_ADMIN(302)),
    "admin/(?P<url>.*)$": Case(params={"url": "nothing/here/"}, expect=OUTSIDE_ADMIN(302)),
    "admin/*/<path:object_id>/": Case(params={"object_id": "1"}, expect=OUTSIDE_ADMIN(302)),
}

# Path parameters of admin URLs, filled for every admin route.
ADMIN_PARAMS = {"id": "1", "object_id": "1", "pk": "1", "app_label": "accounts", "content_type_id": "1", "url": "nothing/here/"}
