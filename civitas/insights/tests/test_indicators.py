from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from civitas.core.testing import query_budget
from civitas.insights import selectors, services
from civitas.insights.models import Indicator


@pytest.fixture
def share_indicator(small_city):
    return services.indicator_save(
        actor=small_city.cast.city_staff, code="volunteer-share", name="注册志愿者占常住人口比例",
        name_en="Volunteers as a share of residents", computation="volunteer_share", target=Decimal("0.30"), unit="%",
    )


def test_each_district_is_measured_against_the_target(small_city, share_indicator):
    city = small_city.cast.city

    [(_indicator, cells)] = selectors.indicator_table([city.district_a, city.district_b])

    by_region = {cell.region.pk: cell for cell in cells}
    assert (by_region[city.district_a.pk].value, by_region[city.district_a.pk].state) == (Decimal("0.20"), "behind")
    assert (by_region[city.district_b.pk].value, by_region[city.district_b.pk].state) == (Decimal("0.40"), "met")
    assert "1000" in by_region[city.district_a.pk].explanation


def test_a_value_within_a_tenth_of_the_target_is_close(small_city, share_indicator):
    services.indicator_save(actor=small_city.cast.city_staff, indicator=share_indicator, **{
        **{f: getattr(share_indicator, f) for f in services.INDICATOR_FIELDS}, "target": Decimal("0.21"),
    })
    [(_indicator, [cell])] = selectors.indicator_table([small_city.cast.city.district_a])
    assert cell.state == "close"


@pytest.mark.parametrize(
    ("computation", "expected"),
    [
        ("active_share", Decimal("50.00")),  # 1 of 2 registered in A
        ("hours_per_volunteer", Decimal("3.25")),  # 6.5 h / 2
        ("hours_per_capita", Decimal("0.01")),  # 6.5 h / 1000
        ("online_hours_share", Decimal("38.46")),  # 2.5 / 6.5
        ("stations_per_community", Decimal("0.00")),  # no station in its one community
        ("evaluated_project_share", None),
    ],
)
def test_every_kind_of_computation(small_city, computation, expected):
    figures = selectors.scope_bundle(selectors.Scope("region", region=small_city.cast.city.district_a))

    value, _explanation = selectors.indicator_value(computation, figures)

    assert value == expected


def test_only_city_staff_change_indicators(small_city):
    with pytest.raises(PermissionDenied):
        services.indicator_save(
            actor=small_city.cast.district_staff, code="x", name="x", computation="volunteer_share", target=Decimal("1"),
        )


def test_the_indicator_page_shows_a_district_reader_their_district(small_city, share_indicator):
    cast = small_city.cast
    client = cast.client_for(cast.district_staff)
    with query_budget(15):
        response = client.get(reverse("insights:indicators"))

    assert response.status_code == 200
    regions = response.context["regions"]
    assert cast.city.district_a in regions and cast.city.district_b not in regions
    assert not response.context["can_edit"]


def test_volunteers_cannot_open_the_indicators(small_city):
    cast = small_city.cast

    assert cast.client_for(cast.volunteer).get(reverse("insights:indicators")).status_code == 403


def test_city_staff_edit_an_indicator_on_the_page(small_city, share_indicator):
    cast = small_city.cast
    client = cast.client_for(cast.city_staff)
    url = reverse("insights:indicator_edit", kwargs={"pk": share_indicator.pk})

    response = client.post(url, {
        "code": "volunteer-share", "name": "注册志愿者占比", "name_en": "", "description": "", "computation": "volunteer_share",
        "target": "13", "unit": "%", "position": "1", "is_active": "on",
    })

    assert response.status_code == 302
    assert Indicator.objects.get(pk=share_indicator.pk).target == Decimal("13")
    assert cast.client_for(cast.auditor).get(url).status_code == 403


def test_the_indicators_api_is_public_and_lists_district_values(small_city, share_indicator, client):
    response = client.get("/api/v1/indicators")

    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["target"] == "0.30"
    values = {value["region_id"]: value for value in item["values"]}
    assert values[small_city.cast.city.district_b.pk]["met"] is True
    assert values[small_city.cast.city.district_a.pk]["state"] == "behind"
