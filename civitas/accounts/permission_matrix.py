"""Permission matrix entries for accounts (see civitas/permission_matrix.py)."""

from civitas.permission_matrix import Case, api, each, page, signed_in

HAS_NO_PROFILE = ("district_staff", "other_district_staff", "city_staff", "auditor")

ROUTES = {
    "accounts:signup": Case(expect=page(302, visitor=200, **each(HAS_NO_PROFILE, 200))),
    "accounts:login": Case(expect=page(302, visitor=200)),
    "accounts:logout": Case("POST", expect=page(302)),
    "accounts:me": Case(expect=signed_in(200)),
    "accounts:profile_edit": Case(expect=signed_in(200, **each(HAS_NO_PROFILE, 302))),
    "accounts:password_reset": Case(expect=page(200)),
    "accounts:password_reset_done": Case(expect=page(200)),
    "accounts:password_reset_confirm": Case(params={"uidb64": "MQ", "token": "bad-token"}, expect=page(200)),
    "accounts:password_reset_complete": Case(expect=page(200)),
    "accounts:password_change": Case(expect=signed_in(200)),
    "accounts:two_factor": Case(expect=signed_in(200)),
    "accounts:two_factor_verify": Case(expect=signed_in(200)),
    "accounts:two_factor_disable": Case("POST", data={"code": "000000"}, expect=signed_in(302)),
    "accounts:data_export": Case("POST", expect=signed_in(200)),
    "accounts:account_close": Case(expect=signed_in(200)),
    "accounts:consent": Case(expect=signed_in(200, **each(HAS_NO_PROFILE, 302))),
    # The volunteer lives in community A and applied to org A: they, org A's staff and
    # the committee over community A may see the full numbers; everyone else gets 404.
    "accounts:personal_data": Case(
        "POST", params={"user_id": "volunteer"},
        expect=signed_in(404, volunteer=200, organizer_a=200, district_staff=200, city_staff=200, auditor=200),
    ),
    "accounts:audit_log": Case(expect=signed_in(403, auditor=200)),
    "api:issue_token": Case("POST", data={"username": "nobody@example.com", "password": "wrong"},
                            expect=page(401)),
    "api:register_volunteer": Case("POST", data={"real_name": ""}, expect=page(422)),
    "api:me": Case(expect=api(200)),
    "api:skills": Case(expect=page(200)),
}


def build_scene(cast, scene):  # type: ignore[no-untyped-def]
    scene["volunteer"] = cast.volunteer.pk
