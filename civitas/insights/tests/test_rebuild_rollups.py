from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.management import call_command

from civitas.conftest import make_volunteer
from civitas.insights import rollups, services
from civitas.insights.models import Figures, LastService, MonthFigures, ProjectTally
from civitas.insights.tests.conftest import SHANGHAI, approved_record
from civitas.insights.tests.helpers import make_project
from civitas.ledger import services as ledger
from civitas.organizations import services as organizations
from civitas.projects import services as projects


def test_rebuild_matches_what_the_event_handlers_kept(small_city, django_capture_on_commit_callbacks):
    cast = small_city.cast
    # given: every kind of change, each kept by its event handler
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = make_volunteer("新志愿者", "13900000077", cast.city.community_b)
        nowhere = make_volunteer("无社区", "13900000078")
        approved_record(cast, newcomer, cast.org_b, dt.date(2026, 6, 14), "3.50", approver=cast.organizer_b)
        approved_record(cast, nowhere, cast.org_a, dt.date(2026, 1, 5), "2.00", source="training")
        approved_record(cast, cast.volunteer, cast.org_a, dt.date(2026, 6, 3), "1.25")
        membership = organizations.membership_apply(user=newcomer, organization=cast.org_b)
        organizations.membership_decide(membership=membership, approve=True, actor=cast.organizer_b)
        unit = organizations.organization_register(
            name="市图书馆", kind="member_unit", unit_type="government", region=cast.city.community_a,
            contact_name="丙", contact_phone="027-3", created_by=cast.organizer_a,
        )
        organizations.organization_decide(organization=unit, action="approve", actor=cast.city_staff)
        project = make_project(cast.org_a, cast.organizer_a, status="evaluated", people_served=40)
        # a draft made by the real service: it publishes nothing, and is not counted
        projects.project_create(organization=cast.org_b, actor=cast.organizer_b, title="义诊", category="health")
        services.funding_set(
            actor=cast.organizer_a, project=project, source="government",
            budgeted=Decimal("1000"), received=Decimal("800"), spent=Decimal("600"),
        )
        services.funding_set(
            actor=cast.organizer_a, project=project, source="government",
            budgeted=Decimal("1200"), received=Decimal("900"), spent=Decimal("650"),
        )
    kept = rollups.snapshot()

    # when
    call_command("rebuild_rollups", stdout=open("/dev/null", "w"))  # noqa: SIM115

    # then
    rebuilt = rollups.snapshot()
    assert rebuilt == kept
    assert Figures.objects.get(region=cast.city.city).registered_volunteers == 6
    assert ProjectTally.objects.filter(organization=cast.org_a, status="evaluated").get().people_served == 40


def test_rebuild_restores_figures_that_were_lost(small_city):
    Figures.objects.all().delete()

    rollups.rebuild_all()

    city = Figures.objects.get(region=small_city.cast.city.city)
    assert (city.total_hours, city.registered_volunteers) == (Decimal("10.50"), 4)


def test_rebuild_matches_the_handlers_after_corrections_and_at_local_month_ends(
    small_city, django_capture_on_commit_callbacks
):
    cast = small_city.cast
    # given: service starting just after a local midnight that is still the previous day
    # (and month) in UTC, a correction taking hours back, and a volunteer without a home
    # community serving with two organizations in different months
    with django_capture_on_commit_callbacks(execute=True):
        nowhere = make_volunteer("无社区", "13900000078")
        june_first = dt.datetime(2026, 6, 1, 0, 30, tzinfo=SHANGHAI)
        record = ledger.record_create(
            volunteer=cast.volunteer2, organization=cast.org_b, started_at=june_first,
            ended_at=june_first + dt.timedelta(hours=2), hours=Decimal("2"), source="online",
        )
        ledger.record_approve(record=record, approver=cast.organizer_b)
        approved_record(cast, nowhere, cast.org_a, dt.date(2026, 4, 8), "3.00")
        approved_record(cast, nowhere, cast.org_b, dt.date(2026, 2, 3), "1.50", approver=cast.organizer_b)
        ledger.record_correct(
            record=small_city.records[0], hours=Decimal("1"), reason="left early", actor=cast.organizer_a
        )
    kept = rollups.snapshot()

    # when
    rollups.rebuild_all()

    # then
    assert rollups.snapshot() == kept
    june = MonthFigures.objects.get(organization=cast.org_b, month=dt.date(2026, 6, 1))
    assert (june.hours, june.online_records, june.active_volunteers) == (Decimal("2.00"), 1, 1)
    march = MonthFigures.objects.get(region=cast.city.city, month=dt.date(2026, 3, 1))
    assert (march.hours, march.records) == (Decimal("1.00"), 2)
    root = LastService.objects.get(volunteer=nowhere, organization=None)
    assert (root.region_id, root.month) == (cast.city.city.pk, dt.date(2026, 4, 1))
