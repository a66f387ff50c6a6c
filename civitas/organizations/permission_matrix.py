"""Permission matrix entries for organizations (see civitas/permission_matrix.py)."""

from civitas.permission_matrix import Case, api, each, page, signed_in

NO_PROFILE = ("district_staff", "other_district_staff", "city_staff", "auditor")
# Who can read a pending organization in district A: the committee over district A.
PENDING_READERS = {"district_staff": 200, "city_staff": 200, "auditor": 200}

ROUTES = {
    "organizations:list": Case(expect=page(200)),
    "organizations:register": Case(expect=signed_in(200)),
    "organizations:review_queue": Case(expect=signed_in(403, **each(NO_PROFILE, 200))),
    "organizations:detail": [
        Case(params={"pk": "org_a"}, expect=page(200)),
        Case(params={"pk": "pending_org"}, expect=page(404, **PENDING_READERS)),
    ],
    "organizations:decide": Case(
        "POST", params={"pk": "pending_org"}, data={"action": "approve"},
        expect=signed_in(404, district_staff=302, city_staff=302, auditor=403),
    ),
    "organizations:join": Case("POST", params={"pk": "org_a"}, expect=signed_in(302)),
    "organizations:members": Case(
        params={"pk": "org_a"}, expect=signed_in(403, organizer_a=200, district_staff=200, city_staff=200, auditor=200)
    ),
    "organizations:membership_decide": Case(
        "POST", params={"pk": "application"}, data={"approve": "1"},
        expect=signed_in(403, organizer_a=302),
    ),
    "organizations:edit": Case(params={"pk": "org_a"}, expect=signed_in(403, organizer_a=200)),
    "organizations:membership_role": Case(
        "POST", params={"pk": "application"}, data={"role": "coordinator"},
        # Only org A's administrator may; the application is not approved yet, so even
        # they are sent back with the reason.
        expect=signed_in(403, organizer_a=302),
    ),
    "organizations:membership_leave": Case(
        "POST", params={"pk": "application"}, expect=signed_in(404, volunteer=302)
    ),
    "api:regions": Case(expect=page(200)),
    "api:organizations": Case(expect=page(200)),
    "api:register_organization": Case("POST", data={"name": ""}, expect=api(422)),
    "api:organization": [
        Case(params={"organization_id": "org_a"}, expect=page(200)),
        Case(params={"organization_id": "pending_org"}, expect=page(404, **PENDING_READERS)),
    ],
    "api:decide_organization": Case(
        "POST", params={"organization_id": "pending_org"}, data={"action": "approve"},
        expect=api(404, district_staff=200, city_staff=200, auditor=403),
    ),
    "api:apply_to_join": Case(
        "POST", params={"organization_id": "org_a"}, data={"note": ""},
        expect=api(201, volunteer=409, organizer_a=409, **each(NO_PROFILE, 422)),
    ),
    "api:decide_membership": Case(
        "POST", params={"membership_id": "application"}, data={"approve": True},
        expect=api(404, organizer_a=200, district_staff=403, city_staff=403, auditor=403),
    ),
}


def build_scene(cast, scene):  # type: ignore[no-untyped-def]
    from civitas.conftest import make_volunteer
    from civitas.organizations import services

    proposer = make_volunteer("提议人", "13900000077", cast.city.community_a)
    scene["pending_org"] = services.organization_register(
        name="待审组织", kind="team", region=cast.city.district_a, contact_name="丙", contact_phone="027-3",
        created_by=proposer,
    ).pk
    scene["org_a"] = cast.org_a.pk
    scene["application"] = services.membership_apply(user=cast.volunteer, organization=cast.org_a).pk
