"""Permission matrix entries for project-wide URLs (see civitas/permission_matrix.py)."""

from civitas.permission_matrix import Case, page, signed_in

ROUTES = {
    "healthz": Case(expect=page(200)),
    "core:home": Case(expect=page(200)),
    "set_language": Case("POST", data={"language": "en", "next": "/"}, expect=page(302)),
    "api:openapi-json": Case(expect=page(200)),
    "api:openapi-view": Case(expect=page(200)),
    "api:api-root": Case(expect=page(404)),
    # The admin is for superusers only: nobody in the cast is one, so every admin page
    # sends them to the admin's sign-in page; the sign-in page itself answers.
    "admin:login": Case(expect=page(200, visitor=200)),
    "admin:logout": Case("POST", expect=page(302)),
    "admin:*": Case(expect=signed_in(302)),
    "admin/(?P<url>.*)$": Case(params={"url": "nothing/here/"}, expect=signed_in(302)),
    "admin/*/<path:object_id>/": Case(params={"object_id": "1"}, expect=signed_in(302)),
}

# Path parameters of admin URLs, filled for every admin route.
ADMIN_PARAMS = {"object_id": "1", "pk": "1", "app_label": "accounts", "content_type_id": "1", "url": "nothing/here/"}
