from __future__ import annotations

import datetime as dt
from decimal import Decimal

from civitas.insights import rollups, selectors
from civitas.insights.models import MonthFigures
from civitas.insights.tests.conftest import approved_record


def region_scope(region):
    return selectors.Scope("region", region=region)


def test_city_figures_match_the_hand_count(small_city):
    city = small_city.cast.city

    figures = selectors.scope_bundle(region_scope(city.city))

    assert figures.registered == 4  # volunteer, volunteer2 and the two organizers
    assert figures.population == 1500  # the city's own is not entered: its districts'
    assert figures.total_hours == Decimal("10.50")
    assert figures.hours_year == Decimal("6.50")
    assert figures.online_hours == Decimal("2.50")
    assert figures.active_12m == 2
    assert figures.records == 4
    assert figures.organizations == 2


def test_district_figures_count_hours_where_credited_and_people_where_they_live(small_city):
    city = small_city.cast.city

    district_a = selectors.scope_bundle(region_scope(city.district_a))
    district_b = selectors.scope_bundle(region_scope(city.district_b))

    assert (district_a.registered, district_a.population, district_a.volunteer_share) == (2, 1000, Decimal("0.20"))
    assert (district_a.total_hours, district_a.hours_year, district_a.active_12m) == (Decimal("6.50"), Decimal("6.50"), 1)
    assert district_a.hours_per_capita == Decimal("0.01")
    assert (district_b.registered, district_b.volunteer_share) == (2, Decimal("0.40"))
    # volunteer2 lives in B and served (for org A) in June: active in B; B's own hours are last year's
    assert (district_b.total_hours, district_b.hours_year, district_b.active_12m) == (Decimal("4.00"), Decimal("0"), 1)
    community_a = selectors.scope_bundle(region_scope(city.community_a))
    assert (community_a.registered, community_a.active_12m) == (2, 1)


def test_organization_figures_count_distinct_active_volunteers(small_city):
    cast = small_city.cast

    org_a = selectors.scope_bundle(selectors.Scope("organization", organization=cast.org_a))
    org_b = selectors.scope_bundle(selectors.Scope("organization", organization=cast.org_b))

    assert (org_a.total_hours, org_a.active_12m, org_a.members) == (Decimal("6.50"), 2, 1)
    assert (org_b.total_hours, org_b.hours_year, org_b.active_12m) == (Decimal("4.00"), Decimal("0"), 0)


def test_monthly_rows_hold_the_hours_of_their_month(small_city):
    district_a = small_city.cast.city.district_a

    months = dict(
        MonthFigures.objects.filter(region=district_a, hours__gt=0).values_list("month", "hours")
    )

    assert months == {
        dt.date(2026, 3, 1): Decimal("3.00"), dt.date(2026, 5, 1): Decimal("2.50"), dt.date(2026, 6, 1): Decimal("1.00"),
    }


def test_approving_new_hours_moves_the_figures(small_city, django_capture_on_commit_callbacks):
    cast = small_city.cast
    scope = region_scope(cast.city.city)
    before = selectors.scope_bundle(scope)

    with django_capture_on_commit_callbacks(execute=True):
        approved_record(cast, cast.organizer_b, cast.org_b, dt.date(2026, 6, 10), "2.00", approver=cast.organizer_b)

    after = selectors.scope_bundle(scope)
    assert after.total_hours - before.total_hours == Decimal("2.00")
    assert after.hours_year - before.hours_year == Decimal("2.00")
    assert after.active_12m == before.active_12m + 1
    district_b = selectors.scope_bundle(region_scope(cast.city.district_b))
    assert (district_b.hours_year, district_b.active_12m) == (Decimal("2.00"), 2)


def test_a_second_service_moves_a_volunteer_without_counting_them_twice(small_city, django_capture_on_commit_callbacks):
    cast = small_city.cast

    with django_capture_on_commit_callbacks(execute=True):
        approved_record(cast, cast.volunteer2, cast.org_b, dt.date(2026, 6, 12), "1.00", approver=cast.organizer_b)

    org_b = selectors.scope_bundle(selectors.Scope("organization", organization=cast.org_b))
    city = selectors.scope_bundle(region_scope(cast.city.city))
    assert org_b.active_12m == 1
    assert city.active_12m == 2


def test_catching_up_twice_adds_nothing(small_city):
    city = small_city.cast.city.city
    before = selectors.scope_bundle(region_scope(city))

    taken = rollups.ledger_catch_up()

    assert taken == 0
    assert selectors.scope_bundle(region_scope(city)) == before


def test_a_pending_record_is_not_counted(small_city):
    org_b = selectors.scope_bundle(selectors.Scope("organization", organization=small_city.cast.org_b))

    assert org_b.records == 1


def test_a_backlog_of_entries_is_taken_in_batch_by_batch(small_city):
    # as if the four entries had been imported in bulk, without events
    rollups.Figures.objects.all().delete()
    rollups.MonthFigures.objects.all().delete()
    rollups.LastService.objects.all().delete()
    rollups.LedgerWatermark.objects.update(last_sequence=0)

    first = rollups.ledger_catch_up(batch=1, max_batches=1)
    rest = rollups.ledger_catch_up(batch=3)

    assert (first, rest) == (1, 3)
    assert selectors.scope_bundle(region_scope(small_city.cast.city.city)).total_hours == Decimal("10.50")
    assert selectors.scope_bundle(region_scope(small_city.cast.city.city)).active_12m == 2
