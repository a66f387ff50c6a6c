"""Permission matrix entries for the ledger (see civitas/permission_matrix.py).

The target record, appeal and certificate belong to the volunteer and org_a in district A,
so volunteer2, organizer_b and other_district_staff are the outsiders."""

from civitas.permission_matrix import STAFF, Case, api, each, page, signed_in

# Who may read the volunteer's record: the volunteer, org_a's staff and the committees over it.
# Who may decide or correct it: org_a's staff and the committees that govern district A.
DECIDERS = {"organizer_a": 302, "district_staff": 302, "city_staff": 302}
RECORD_READERS = {"volunteer": 200, "organizer_a": 200, "district_staff": 200, "city_staff": 200, "auditor": 200}

ROUTES = {
    "ledger:my_hours": Case(expect=signed_in(200)),
    "ledger:missing_hours": Case(expect=signed_in(200)),
    # Committee staff and auditors have a queue too (empty here: they staff no organization).
    "ledger:review_queue": Case(expect=signed_in(403, organizer_a=200, organizer_b=200, **each(STAFF, 200))),
    "ledger:committee_queue": Case(expect=signed_in(403, district_staff=200, other_district_staff=200,
                                                    city_staff=200, auditor=200)),
    "ledger:import": Case(expect=signed_in(403, organizer_a=200, organizer_b=200)),
    "ledger:record": Case(params={"pk": "pending_record"}, expect=signed_in(404, **RECORD_READERS)),
    "ledger:record_decide": Case(
        "POST", params={"pk": "pending_record"}, data={"action": "approve"},
        expect=signed_in(404, **DECIDERS, volunteer=403, auditor=403),
    ),
    "ledger:record_correct": Case(
        "POST", params={"pk": "approved_record"}, data={"hours": "2", "reason": "少记了"},
        expect=signed_in(404, **DECIDERS, volunteer=403, auditor=403),
    ),
    "ledger:record_appeal": Case(
        "POST", params={"pk": "rejected_record"}, data={"reason": "少记了一小时"},
        expect=signed_in(404, volunteer=302, organizer_a=403, district_staff=403, city_staff=403, auditor=403),
    ),
    "ledger:appeal_answer": Case(
        "POST", params={"pk": "appeal"}, data={"uphold": "", "answer": "记录无误"},
        # A rejection's appeal goes up to the committee: the organization that rejected it
        # does not answer it (nor see it).
        expect=signed_in(404, volunteer=403, district_staff=302, city_staff=302, auditor=403),
    ),
    "ledger:shift_approve": Case(
        "POST", params={"shift_id": "ledger_shift"}, expect=signed_in(404, organizer_a=302),
    ),
    "ledger:certificate_pdf": Case(params={"code": "certificate"}, expect=signed_in(404, volunteer=200)),
    "ledger:certificate_lookup": Case(expect=page(200)),
    "ledger:public_key": Case(expect=page(200)),
    "ledger:certificate_verify": Case(params={"code": "certificate"}, expect=page(200)),
    "ledger:certificate_revoke": Case(
        "POST", params={"code": "certificate"}, data={"reason": "伪造"},
        expect=signed_in(403, district_staff=302, city_staff=302),
    ),
    "api:my_hours": Case(expect=api(200)),
    "api:service_records": Case(expect=api(200)),
    "api:approve": Case(
        "POST", params={"record_id": "pending_record"},
        expect=api(404, volunteer=403, organizer_a=200, district_staff=200, city_staff=200, auditor=403),
    ),
    "api:certificate": [
        Case(params={"code": "certificate"}, expect=page(200)),
        Case(params={"code": "NO-SUCH-CODE"}, expect=page(404)),
    ],
}


def build_scene(cast, scene):  # type: ignore[no-untyped-def]
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from civitas.ledger import certificates, services
    from civitas.ledger.tests.factories import make_project, make_shift, sign_up

    started = timezone.now() - dt.timedelta(days=3)
    pending = services.record_create(
        volunteer=cast.volunteer, organization=cast.org_a, started_at=started,
        ended_at=started + dt.timedelta(hours=3), hours=Decimal("3"), source="manual", created_by=cast.organizer_a,
    )
    scene["pending_record"] = pending.pk
    earlier = started - dt.timedelta(days=2)
    approved = services.record_approve(record=services.record_create(
        volunteer=cast.volunteer, organization=cast.org_a, started_at=earlier,
        ended_at=earlier + dt.timedelta(hours=2), hours=Decimal("2"), source="manual", created_by=cast.organizer_a,
    ), approver=cast.organizer_a)
    scene["approved_record"] = approved.pk
    def rejected(days: int):  # type: ignore[no-untyped-def]
        start = earlier - dt.timedelta(days=days)
        return services.record_reject(record=services.record_create(
            volunteer=cast.volunteer, organization=cast.org_a, started_at=start,
            ended_at=start + dt.timedelta(hours=2), hours=Decimal("2"), source="manual", created_by=cast.organizer_a,
        ), approver=cast.organizer_a, reason="签到记录不全")

    scene["rejected_record"] = rejected(1).pk
    scene["appeal"] = services.appeal_create(record=rejected(2), volunteer=cast.volunteer, reason="少记了一小时").pk
    project = make_project(cast.org_a, cast.organizer_a, title="台账核验")
    shift = make_shift(project, timezone.now() - dt.timedelta(days=1), hours=3)
    sign_up(shift, cast.volunteer)
    scene["ledger_shift"] = shift.pk
    today = timezone.localdate()
    scene["certificate"] = certificates.certificate_issue(
        volunteer=cast.volunteer, period_start=today - dt.timedelta(days=30), period_end=today,
    ).code
