from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from civitas.insights import selectors, services
from civitas.insights.tests.helpers import make_project


@pytest.fixture
def project(small_city, django_capture_on_commit_callbacks):
    cast = small_city.cast
    with django_capture_on_commit_callbacks(execute=True):
        project = make_project(cast.org_a, cast.organizer_a, status="evaluated", people_served=50)
    return project


def test_money_per_source_adds_up_in_every_scope(small_city, project):
    cast = small_city.cast
    services.funding_set(actor=cast.organizer_a, project=project, source="government",
                         budgeted=Decimal("500"), received=Decimal("400"), spent=Decimal("300"))
    services.funding_set(actor=cast.district_staff, project=project, source="donation",
                         budgeted=Decimal("100"), received=Decimal("100"), spent=Decimal("25"))
    # a correction replaces the amounts; the totals move by the difference
    services.funding_set(actor=cast.organizer_a, project=project, source="government",
                         budgeted=Decimal("500"), received=Decimal("450"), spent=Decimal("300.50"))

    for scope in (
        selectors.Scope("city", region=cast.city.city),
        selectors.Scope("region", region=cast.city.district_a),
        selectors.Scope("organization", organization=cast.org_a),
    ):
        board = selectors.dashboard(scope, 2026)
        assert board.funding_total == {"budgeted": Decimal("600"), "received": Decimal("550"), "spent": Decimal("325.50")}
    board = selectors.dashboard(selectors.Scope("region", region=cast.city.district_a), 2026)
    # district A: 6.5 verified hours, 50 people served
    assert board.cost_per_hour == Decimal("50.08")
    assert board.cost_per_person_served == Decimal("6.51")
    assert selectors.dashboard(selectors.Scope("region", region=cast.city.district_b), 2026).funding_total["spent"] == 0


def test_social_value_uses_the_configured_hourly_value(small_city, settings):
    settings.CIVITAS = {**settings.CIVITAS, "HOURLY_SOCIAL_VALUE": Decimal("30")}
    board = selectors.dashboard(selectors.Scope("city", region=small_city.cast.city.city), 2026)

    assert board.social_value == Decimal("315.00")  # 10.5 h × 30


def test_outsiders_cannot_record_funding(small_city, project):
    cast = small_city.cast

    with pytest.raises(PermissionDenied):
        services.funding_set(actor=cast.organizer_b, project=project, source="unit",
                             budgeted=Decimal("1"), received=Decimal("1"), spent=Decimal("1"))
    with pytest.raises(ValidationError):
        services.funding_set(actor=cast.organizer_a, project=project, source="lottery",
                             budgeted=Decimal("1"), received=Decimal("-1"), spent=Decimal("1"))


def test_the_funding_page(small_city, project):
    cast = small_city.cast
    url = reverse("insights:project_funding", kwargs={"project_pk": project.pk})

    saved = cast.client_for(cast.organizer_a).post(
        url, {"source": "unit", "budgeted": "120", "received": "100", "spent": "80", "note": ""}
    )
    invalid = cast.client_for(cast.organizer_a).post(url, {"source": "unit", "budgeted": "-5", "received": "1", "spent": "1"})

    assert saved.status_code == 302
    assert invalid.status_code == 200 and invalid.context["form"].errors
    assert cast.client_for(cast.organizer_b).get(url).status_code == 404
    assert project.funding.get().spent == Decimal("80")


def test_the_organization_dashboard_lists_its_projects_with_their_money(small_city, project):
    cast = small_city.cast
    services.funding_set(actor=cast.organizer_a, project=project, source="unit",
                         budgeted=Decimal("10"), received=Decimal("8"), spent=Decimal("5"))

    response = cast.client_for(cast.organizer_a).get(reverse("insights:organization_dashboard", kwargs={"pk": cast.org_a.pk}))

    [row] = response.context["projects"]
    assert (row.spent, row.can_edit_funding) == (Decimal("5"), True)
    assert reverse("insights:project_funding", kwargs={"project_pk": project.pk}) in response.content.decode()
