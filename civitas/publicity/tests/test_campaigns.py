import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from civitas.core.testing import query_budget
from civitas.publicity import selectors, services
from civitas.publicity.tests.factories import approved_record, make_project, make_shift, sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


def _at(day, hour=9):
    return dt.datetime(2026, 3, day, hour, tzinfo=timezone.get_current_timezone())


def _campaign(cast):
    project_a = make_project(cast, title="学雷锋进社区")
    project_b = make_project(cast, title="河道清洁", organization=cast.org_b)
    outside = make_project(cast, title="不在活动里")
    campaign = services.campaign_create(
        created_by=cast.city_staff, title="学雷锋志愿服务月", title_en="Lei Feng month",
        starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 3, 31), projects=[project_a, project_b],
    )
    shift_a = make_shift(project_a, _at(5))
    sign_up(shift_a, cast.volunteer, "attended")
    sign_up(shift_a, cast.volunteer2, "confirmed")
    sign_up(make_shift(project_a, _at(6, 1) - dt.timedelta(days=10)), cast.organizer_b, "attended")  # before the campaign
    approved_record(cast.volunteer, project_a, _at(5), "3")
    approved_record(cast.volunteer2, project_a, _at(6), "2")
    approved_record(cast.volunteer2, project_b, _at(7), "8")
    approved_record(cast.volunteer, outside, _at(8), "50")
    approved_record(cast.volunteer, project_a, _at(5) + dt.timedelta(days=40), "40")  # after it
    return campaign


def test_figures_count_only_campaign_projects_during_its_days(cast):
    figures = selectors.campaign_figures(_campaign(cast))
    assert figures["projects"] == 2
    assert figures["signed_up"] == 2 and figures["attended"] == 1
    assert figures["hours"] == Decimal("13")
    assert [(row["name"], row["hours"]) for row in figures["organizations"]] == [
        ("春雨志愿服务队", Decimal("8")), ("阳光志愿服务队", Decimal("5")),
    ]
    assert [(row["name"], row["hours"]) for row in figures["districts"]] == [("西山区", Decimal("8")), ("东湖区", Decimal("5"))]


def test_campaign_page_shows_its_leaderboard(cast):
    campaign = _campaign(cast)
    client = cast.client_for(None)
    client.get(reverse("publicity:campaign", args=[campaign.pk]))
    with query_budget(4):
        html = client.get(reverse("publicity:campaign", args=[campaign.pk])).content.decode()
    assert "学雷锋志愿服务月" in html
    board = html[html.index('id="org-board"'):]
    assert board.index("春雨志愿服务队") < board.index("阳光志愿服务队")
    assert "西山区" in html and "东湖区" in html and "学雷锋进社区" in html


def test_campaign_api(cast):
    campaign = _campaign(cast)
    body = cast.client_for(None).get(f"/api/v1/campaigns/{campaign.pk}").json()
    assert body["title"] == "学雷锋志愿服务月" and body["hours"] in ("13", "13.00", 13)
    assert body["organizations"][0]["name"] == "春雨志愿服务队"
    assert body["districts"][0]["name"] == "西山区"
    assert cast.client_for(None).get("/api/v1/campaigns/999999").status_code == 404


def test_only_city_staff_run_campaigns(cast):
    with pytest.raises(PermissionDenied):
        services.campaign_create(created_by=cast.district_staff, title="x", starts_on=dt.date(2026, 12, 1),
                                 ends_on=dt.date(2026, 12, 5))


def test_campaign_list_and_current_campaign(cast):
    services.campaign_create(created_by=cast.city_staff, title="12·5国际志愿者日", starts_on=dt.date(2026, 12, 1),
                             ends_on=dt.date(2026, 12, 7))
    assert selectors.current_campaign(dt.date(2026, 12, 3)).title == "12·5国际志愿者日"
    client = cast.client_for(None)
    with query_budget(4):
        assert "12·5国际志愿者日" in client.get(reverse("publicity:campaigns")).content.decode()


def test_city_staff_create_and_edit_a_campaign_on_its_page(cast):
    project = make_project(cast)
    draft = make_project(cast, status="draft")
    client = cast.client_for(cast.city_staff)
    data = {"title": "国际志愿者日", "starts_on": "2026-12-01", "ends_on": "2026-12-07", "project_ids": f"{project.pk}, {draft.pk}"}
    refused = client.post(reverse("publicity:campaign_new"), data)
    assert refused.status_code == 200 and str(draft.pk) in refused.content.decode() and "国际志愿者日" in refused.content.decode()
    data["project_ids"] = str(project.pk)
    response = client.post(reverse("publicity:campaign_new"), data)
    assert response.status_code == 302
    from civitas.publicity.models import Campaign

    campaign = Campaign.objects.get()
    assert list(campaign.projects.all()) == [project]
    client.post(reverse("publicity:campaign_edit", args=[campaign.pk]), {**data, "project_ids": "", "title": "改名"})
    campaign.refresh_from_db()
    assert campaign.title == "改名" and not campaign.projects.exists()
    assert cast.client_for(cast.district_staff).get(reverse("publicity:campaign_new")).status_code == 403
