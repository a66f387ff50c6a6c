from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from civitas.conftest import make_volunteer
from civitas.core.testing import query_budget
from civitas.insights import rollups
from civitas.insights.tests.conftest import approved_record
from civitas.organizations.models import Organization


def region_url(region, name="region_dashboard", **kwargs):
    return reverse(f"insights:{name}", kwargs={"pk": region.pk, **kwargs})


def test_district_staff_see_their_district_figures(small_city):
    cast = small_city.cast

    response = cast.client_for(cast.district_staff).get(region_url(cast.city.district_a))

    assert response.status_code == 200
    body = response.content.decode()
    assert "dashboard-data" in body
    assert response.context["board"].figures.hours_year == 6.5
    assert response.context["board"].figures.registered == 2


def test_district_staff_also_see_a_community_in_their_district(small_city):
    cast = small_city.cast

    response = cast.client_for(cast.district_staff).get(region_url(cast.city.community_a))

    assert response.status_code == 200


@pytest.mark.parametrize("who", ["other_district_staff", "volunteer", "organizer_b"])
def test_outsiders_get_404_for_district_a(small_city, who):
    cast = small_city.cast

    response = cast.client_for(getattr(cast, who)).get(region_url(cast.city.district_a))

    assert response.status_code == 404


def test_district_staff_cannot_open_the_city_dashboard(small_city):
    cast = small_city.cast

    response = cast.client_for(cast.district_staff).get(region_url(cast.city.city))

    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(small_city):
    response = small_city.cast.client_for(None).get(region_url(small_city.cast.city.city))

    assert response.status_code == 302


def test_city_staff_and_auditors_read_the_city_dashboard(small_city):
    cast = small_city.cast

    for user in (cast.city_staff, cast.auditor):
        assert cast.client_for(user).get(region_url(cast.city.city)).status_code == 200


def test_organization_staff_see_their_organization_only(small_city):
    cast = small_city.cast
    client = cast.client_for(cast.organizer_a)

    own = client.get(reverse("insights:organization_dashboard", kwargs={"pk": cast.org_a.pk}))
    other = client.get(reverse("insights:organization_dashboard", kwargs={"pk": cast.org_b.pk}))

    assert own.status_code == 200
    assert own.context["board"].figures.active_12m == 2
    assert other.status_code == 404


def test_the_dashboard_index_sends_each_person_to_their_scope(small_city):
    cast = small_city.cast

    assert cast.client_for(cast.district_staff).get(reverse("insights:index")).url == region_url(cast.city.district_a)
    assert cast.client_for(cast.organizer_b).get(reverse("insights:index")).url == reverse(
        "insights:organization_dashboard", kwargs={"pk": cast.org_b.pk}
    )
    assert cast.client_for(cast.volunteer2).get(reverse("insights:index")).status_code == 403


def _grow(cast, django_capture_on_commit_callbacks, count):
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(count):
            person = make_volunteer(f"志愿者{index}", f"1380000{index:04d}", cast.city.community_a)
            approved_record(cast, person, cast.org_a, dt.date(2026, 1 + index % 5, 3), "1.00")


def test_the_city_dashboard_costs_the_same_queries_whatever_the_data(small_city, django_capture_on_commit_callbacks):
    cast = small_city.cast
    client = cast.client_for(cast.city_staff)
    url = region_url(cast.city.city)
    client.get(url)
    with query_budget(30) as small:
        client.get(url)
    _grow(cast, django_capture_on_commit_callbacks, 12)
    with query_budget(30) as large:
        response = client.get(url)

    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_organization_dashboard_has_a_query_budget(small_city):
    cast = small_city.cast
    client = cast.client_for(cast.organizer_a)
    with query_budget(30):
        response = client.get(reverse("insights:organization_dashboard", kwargs={"pk": cast.org_a.pk}))
    assert response.status_code == 200


def test_a_dashboard_table_downloads_as_csv_and_xlsx(small_city):
    cast = small_city.cast
    client = cast.client_for(cast.district_staff)

    csv_response = client.get(region_url(cast.city.district_a, "region_export_csv", table="months"))
    xlsx_response = client.get(region_url(cast.city.district_a, "region_export_xlsx", table="summary"))

    assert csv_response.status_code == 200
    text = csv_response.content.decode("utf-8-sig")
    assert "2026-03,3.00,0" in text
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert 6.5 in values.values()
    assert 2 in values.values()


def test_an_unknown_table_is_404_and_outsiders_cannot_export(small_city):
    cast = small_city.cast

    assert cast.client_for(cast.district_staff).get(region_url(cast.city.district_a, "region_export_csv", table="nope")).status_code == 404
    assert cast.client_for(cast.other_district_staff).get(region_url(cast.city.district_a, "region_export_csv", table="months")).status_code == 404


@pytest.mark.parametrize("scope", ["city", "district", "organization"])
def test_the_annual_report_downloads_as_a_pdf(small_city, scope):
    cast = small_city.cast
    if scope == "organization":
        url = reverse("insights:organization_report", kwargs={"pk": cast.org_a.pk})
    else:
        url = region_url(cast.city.city if scope == "city" else cast.city.district_a, "region_report")

    response = cast.client_for(cast.city_staff).get(url + "?year=2026")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 3000


def test_markup_in_a_name_reaches_the_report_as_text(small_city):
    cast = small_city.cast
    Organization.objects.filter(pk=cast.org_a.pk).update(name='<script>x</script><img src=x onerror=y> & "Co"')

    response = cast.client_for(cast.organizer_a).get(reverse("insights:organization_report", kwargs={"pk": cast.org_a.pk}))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_outsiders_cannot_download_the_report(small_city):
    cast = small_city.cast

    response = cast.client_for(cast.other_district_staff).get(region_url(cast.city.district_a, "region_report"))

    assert response.status_code == 404


def test_rebuild_keeps_dashboard_figures(small_city):
    cast = small_city.cast
    client = cast.client_for(cast.city_staff)
    before = client.get(region_url(cast.city.city)).context["board"].figures

    rollups.rebuild_all()

    assert client.get(region_url(cast.city.city)).context["board"].figures == before


def test_the_dashboard_speaks_chinese_by_default_and_english_on_request(small_city):
    cast = small_city.cast
    client = cast.client_for(cast.district_staff)

    chinese = client.get(region_url(cast.city.district_a)).content.decode()
    english = client.get(region_url(cast.city.district_a), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "注册志愿者" in chinese and "活跃志愿者（近12个月）" in chinese
    assert "Registered volunteers" in english
