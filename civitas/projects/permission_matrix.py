"""Permission matrix entries for projects (see civitas/permission_matrix.py).

The scene: org A runs a recruiting project with an open shift, a shift that needs the
organizer's approval (the volunteer's sign-up waits there), a shift whose waitlist works
by offers (the volunteer holds an offer), a draft and a project waiting for review.
Organizer B, the other district's staff and the second volunteer are the outsiders.
"""

from civitas.permission_matrix import STAFF, Case, api, each, page, signed_in

# Who reads a non-draft project's internals (roster, history): org A's staff and the
# committee staff and auditors over district A.
INTERNALS = {"organizer_a": 200, "district_staff": 200, "city_staff": 200, "auditor": 200}
# Committee staff who may decide on a project in district A.
REVIEWERS = ("district_staff", "city_staff")
NO_PROFILE = STAFF
SHIFT_PAYLOAD = {"starts_at": "2030-06-01T09:00:00+08:00", "ends_at": "2030-06-01T11:00:00+08:00", "capacity": 3,
                 "hours_credited": "2"}

ROUTES = {
    "projects:list": Case(expect=page(200)),
    "projects:map": Case(expect=page(200)),
    "projects:create": Case(expect=signed_in(403, organizer_a=200, organizer_b=200)),
    # Auditors read decisions in the audit trail; the queue is for those who decide.
    "projects:review_queue": Case(expect=signed_in(403, district_staff=200, other_district_staff=200, city_staff=200)),
    "projects:my_signups": Case(expect=signed_in(200)),
    "projects:calendar_token": Case("POST", expect=signed_in(302)),
    # A calendar link is a secret capability: whoever holds it reads the feed.
    "projects:personal_calendar": [
        Case(params={"token": "calendar_token"}, expect=page(200)),
        Case(params={"token": "no-such-token"}, expect=page(404)),
    ],
    "projects:offer": Case(params={"token": "offer_token"}, expect=signed_in(404, volunteer=200)),
    "projects:detail": [
        Case(params={"pk": "project_a"}, expect=page(200)),
        Case(params={"pk": "draft_a"}, expect=page(404, organizer_a=200)),
        Case(params={"pk": "submitted_a"}, expect=page(404, **INTERNALS)),
    ],
    "projects:edit": [
        Case(params={"pk": "project_a"}, expect=signed_in(403, organizer_a=200)),
        Case(params={"pk": "draft_a"}, expect=signed_in(404, organizer_a=200)),
    ],
    "projects:transition": Case(
        "POST", params={"pk": "submitted_a"}, data={"action": "approve"},
        expect=signed_in(404, organizer_a=403, district_staff=302, city_staff=302, auditor=403),
    ),
    "projects:shift_create": [
        Case(params={"pk": "project_a"}, expect=signed_in(403, organizer_a=200)),
        Case(params={"pk": "draft_a"}, expect=signed_in(404, organizer_a=200)),
    ],
    "projects:project_calendar": [
        Case(params={"pk": "project_a"}, expect=page(200)),
        Case(params={"pk": "draft_a"}, expect=page(404, organizer_a=200)),
    ],
    "projects:signup": [
        # The page answers with a redirect either way; the message says whether it worked.
        Case("POST", params={"pk": "shift_open"}, expect=signed_in(302)),
        Case("POST", params={"pk": "draft_shift"}, expect=signed_in(404, organizer_a=302)),
    ],
    "projects:shift_edit": Case(params={"pk": "shift_open"}, expect=signed_in(403, organizer_a=200)),
    "projects:shift_cancel": Case(
        "POST", params={"pk": "shift_open"}, data={"reason": "下雨"}, expect=signed_in(403, organizer_a=302),
    ),
    "projects:roster": Case(params={"pk": "shift_open"}, expect=signed_in(404, **INTERNALS)),
    "projects:roster_export": [
        Case(params={"pk": "shift_approval", "fmt": fmt},
             expect=signed_in(404, organizer_a=200, district_staff=403, city_staff=403, auditor=403))
        for fmt in ("csv", "xlsx")
    ],
    "projects:signup_cancel": Case(
        "POST", params={"pk": "pending_signup"}, expect=signed_in(404, volunteer=302, organizer_a=302, district_staff=403,
                                                                 city_staff=403, auditor=403),
    ),
    "projects:roster_action": Case(
        "POST", params={"pk": "pending_signup"}, data={"action": "approve"},
        expect=signed_in(404, volunteer=404, organizer_a=302, district_staff=403, city_staff=403, auditor=403),
    ),
    "api:projects": Case(expect=page(200)),
    "api:project": [
        Case(params={"project_id": "project_a"}, expect=page(200)),
        Case(params={"project_id": "draft_a"}, expect=page(404, organizer_a=200)),
        Case(params={"project_id": "submitted_a"}, expect=page(404, **INTERNALS)),
    ],
    "api:create_project": Case(
        "POST", data={"organization": None, "title": "新项目", "category": "community"},
        expect=api(403, organizer_a=201),
    ),
    "api:transition": Case(
        "POST", params={"project_id": "submitted_a"}, data={"action": "approve"},
        expect=api(404, organizer_a=403, district_staff=200, city_staff=200, auditor=403),
    ),
    "api:shifts": [
        Case(params={"project_id": "project_a"}, expect=page(200)),
        Case(params={"project_id": "draft_a"}, expect=page(404, organizer_a=200)),
    ],
    "api:create_shift": [
        Case("POST", params={"project_id": "project_a"}, data=SHIFT_PAYLOAD, expect=api(403, organizer_a=201)),
        Case("POST", params={"project_id": "draft_a"}, data=SHIFT_PAYLOAD, expect=api(404, organizer_a=201)),
    ],
    "api:shift": [
        Case(params={"shift_id": "shift_open"}, expect=page(200)),
        Case(params={"shift_id": "draft_shift"}, expect=page(404, organizer_a=200)),
    ],
    "api:cancel_shift": Case(
        "POST", params={"shift_id": "shift_open"}, data={"reason": "下雨"}, expect=api(403, organizer_a=200),
    ),
    "api:sign_up": [
        Case("POST", params={"shift_id": "shift_open"}, data={"note": ""},
             expect=api(201, **each(NO_PROFILE, 422))),
        Case("POST", params={"shift_id": "draft_shift"}, data={"note": ""}, expect=api(404, organizer_a=409)),
    ],
    "api:cancel_signup": Case(
        "DELETE", params={"signup_id": "pending_signup"},
        expect=api(404, volunteer=200, organizer_a=200, district_staff=403, city_staff=403, auditor=403),
    ),
    "api:shift_roster": Case(params={"shift_id": "shift_approval"}, expect=api(404, **INTERNALS)),
    "api:decide_signup": Case(
        "POST", params={"signup_id": "pending_signup"}, data={"action": "approve"},
        expect=api(404, volunteer=403, organizer_a=200, district_staff=403, city_staff=403, auditor=403),
    ),
}


def build_scene(cast, scene):  # type: ignore[no-untyped-def]
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from civitas.projects import services

    def project(status: str, title: str):  # type: ignore[no-untyped-def]
        made = services.project_create(
            organization=cast.org_a, actor=cast.organizer_a, title=title, category="community",
            summary="权限矩阵", place_name="和平社区", latitude=Decimal("30.593100"), longitude=Decimal("114.305400"),
        )
        steps = {"draft": [], "submitted": ["submit"], "recruiting": ["submit", "approve", "recruit"]}[status]
        for action in steps:
            actor = cast.city_staff if action == "approve" else cast.organizer_a
            made = services.project_transition(project=made, action=action, actor=actor)
        return made

    start = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=7), dt.time(9)))

    def shift(on, **values):  # type: ignore[no-untyped-def]
        values = {"starts_at": start, "ends_at": start + dt.timedelta(hours=3), "capacity": 2,
                  "hours_credited": Decimal("3"), **values}
        return services.shift_create(project=on, actor=cast.organizer_a, **values)

    recruiting, draft, submitted = project("recruiting", "社区助餐"), project("draft", "草稿项目"), project("submitted", "待审项目")
    scene.update(project_a=recruiting.pk, draft_a=draft.pk, submitted_a=submitted.pk)
    scene["shift_open"] = shift(recruiting).pk
    scene["draft_shift"] = shift(draft).pk
    approval = shift(recruiting, requires_approval=True)
    scene["shift_approval"] = approval.pk
    scene["pending_signup"] = services.signup_create(shift=approval, volunteer=cast.volunteer).pk
    offers = shift(recruiting, capacity=1, waitlist_mode="offer")
    holder = services.signup_create(shift=offers, volunteer=cast.volunteer2)
    services.signup_create(shift=offers, volunteer=cast.volunteer)
    services.signup_cancel(signup=holder, actor=cast.volunteer2)
    scene["offer_token"] = str(offers.signups.get(volunteer=cast.volunteer).offer_token)
    scene["calendar_token"] = services.calendar_token_issue(user=cast.volunteer).token
    # The organization's key is known only once the cast exists; data bodies are not
    # looked up in the scene, so the case is given it here.
    ROUTES["api:create_project"].data["organization"] = cast.org_a.pk
