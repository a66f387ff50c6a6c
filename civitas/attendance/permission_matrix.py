"""Permission matrix entries for attendance (see civitas/permission_matrix.py).

The shift is org_a's, starting within the hour, and the volunteer is signed up to it."""

from civitas.permission_matrix import STAFF, Case, api, each, page, signed_in

# Who runs the shift's attendance: org_a's staff. The committees over district A and the
# auditor may read the roster (oversight) but do not tick, scan or show the code.
RUNNERS = {"organizer_a": 200}
OVERSEERS = {"district_staff": 200, "city_staff": 200, "auditor": 200}
WATCHERS_REFUSED = {"district_staff": 403, "city_staff": 403, "auditor": 403}

ROUTES = {
    "attendance:shifts": Case(expect=signed_in(200)),
    # Staff accounts without a volunteer profile have no personal code.
    "attendance:my_code": Case(expect=signed_in(200, **each(STAFF, 404))),
    "attendance:roster": Case(params={"shift_id": "attendance_shift"}, expect=signed_in(404, **RUNNERS, **OVERSEERS)),
    "attendance:roster_tick": Case(
        "POST", params={"shift_id": "attendance_shift", "signup_id": "attendance_signup"},
        data={"action": "check_in", "idempotency_key": "matrix-1"},
        expect=signed_in(404, organizer_a=302, **WATCHERS_REFUSED),
    ),
    "attendance:organizer_scan": Case(
        "POST", params={"shift_id": "attendance_shift"},
        data={"code": "not-a-code", "action": "check_in", "idempotency_key": "matrix-2"},
        expect=signed_in(404, organizer_a=302, **WATCHERS_REFUSED),
    ),
    "attendance:shift_code": Case(params={"shift_id": "attendance_shift"},
                                expect=signed_in(404, **RUNNERS, **WATCHERS_REFUSED)),
    "attendance:shift_code_fragment": Case(params={"shift_id": "attendance_shift"},
                                expect=signed_in(404, **RUNNERS, **WATCHERS_REFUSED)),
    "attendance:shift_code_svg": Case(params={"shift_id": "attendance_shift"},
                                expect=signed_in(404, **RUNNERS, **WATCHERS_REFUSED)),
    "attendance:scan": [
        Case(params={"code": "shift_scan_code"}, expect=signed_in(200)),
        Case(params={"code": "not-a-code"}, expect=signed_in(400)),
    ],
    # The signed kiosk link is the tablet's credential: whoever holds it may use it.
    "attendance:kiosk": [
        Case(params={"token": "kiosk_token"}, expect=page(200)),
        Case(params={"token": "not-a-token"}, expect=page(404)),
    ],
    "attendance:kiosk_events": [
        Case("POST", params={"token": "kiosk_token"}, json=True, data={"volunteer": "nobody"}, expect=page(422)),
        Case("POST", params={"token": "not-a-token"}, json=True, data={"volunteer": "nobody"}, expect=page(404)),
    ],
    # Case data is sent as written (no scene lookups), so the API cases prove the gates: a
    # wrong shift code is refused for everyone, checking someone else in is for the shift's
    # organizers only (asked before the number is looked up), an unknown shift is 404.
    "api:check_in": [
        Case("POST", params={"shift_id": "attendance_shift"}, data={"code": "not-a-code", "idempotency_key": "m1"},
             expect=api(422)),
        Case("POST", params={"shift_id": "attendance_shift"}, data={"volunteer": "V-NOBODY", "idempotency_key": "m2"},
             expect=api(403, organizer_a=422)),
        Case("POST", params={"shift_id": 999999}, data={"code": "not-a-code", "idempotency_key": "m3"},
             expect=api(404)),
    ],
    "api:check_out": Case("POST", params={"shift_id": "attendance_shift"},
                          data={"volunteer": "V-NOBODY", "idempotency_key": "m4"}, expect=api(403, organizer_a=422)),
}


def build_scene(cast, scene):  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from civitas.attendance import tokens
    from civitas.ledger.tests.factories import make_project, make_shift, sign_up

    project = make_project(cast.org_a, cast.organizer_a, title="签到核验")
    shift = make_shift(project, timezone.now() + dt.timedelta(minutes=20), hours=3)
    scene["attendance_shift"] = shift.pk
    scene["attendance_signup"] = sign_up(shift, cast.volunteer).pk
    scene["shift_scan_code"] = tokens.shift_code(shift.pk)
    scene["kiosk_token"] = tokens.kiosk_token(shift.pk)
