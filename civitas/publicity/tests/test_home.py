import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from civitas.core.events import handler_names
from civitas.core.testing import query_budget
from civitas.publicity import selectors
from civitas.publicity.cache import figures_changed
from civitas.publicity.models import Campaign
from civitas.publicity.tests.factories import make_article, make_project, set_totals

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_impact_counters_come_from_rollups(cast):
    make_project(cast, people_served=120)
    make_project(cast, title="草稿项目", status="draft", people_served=999)
    set_totals(cast.volunteer, "12.50")
    set_totals(cast.volunteer2, "7.50")
    figures = selectors.impact_counters()
    assert figures["volunteers"] == 4  # two volunteers and two organizers
    assert figures["hours"] == Decimal("20.00")
    assert figures["projects"] == 1
    assert figures["organizations"] == 2
    assert figures["people_served"] == 120


def test_counters_are_cached_until_a_figure_changes(cast):
    set_totals(cast.volunteer, "10")
    assert selectors.impact_counters()["hours"] == Decimal("10")
    set_totals(cast.volunteer, "30")
    with query_budget(0):
        assert selectors.impact_counters()["hours"] == Decimal("10")
    figures_changed(event="record.approved", record_id=1)
    assert selectors.impact_counters()["hours"] == Decimal("30")


def test_settings_subscribe_invalidation_to_the_figure_events(settings):
    for event in ("record.approved", "organization.decided", "project.transitioned"):
        assert "civitas.publicity.cache.figures_changed" in handler_names(event)


def test_home_shows_counters_projects_news_campaign_and_model_volunteers(cast):
    make_project(cast, title="河道清洁行动", people_served=50)
    make_article(cast, title="志愿服务月启动")
    today = dt.date.today()
    Campaign.objects.create(title="学雷锋志愿服务月", starts_on=today - dt.timedelta(days=1),
                            ends_on=today + dt.timedelta(days=5), created_by=cast.city_staff)
    profile = cast.volunteer.volunteer
    profile.is_profile_public = True
    profile.save()
    set_totals(cast.volunteer, "123", 1)
    html = cast.client_for(None).get(reverse("publicity:home")).content.decode()
    for text in ("河道清洁行动", "志愿服务月启动", "学雷锋志愿服务月", "李小红", 'data-counter="people_served">50<'):
        assert text in html
    assert 'href="/"' in html  # the brand link is the home page


def test_warm_home_page_runs_no_query_for_a_visitor_and_refreshes_after_an_event(cast):
    client = cast.client_for(None)
    make_project(cast, title="第一个项目")
    client.get("/")
    make_project(cast, title="第二个项目")
    with query_budget(0):
        html = client.get("/").content.decode()
    assert "第二个项目" not in html
    figures_changed(event="project.transitioned", project_id=1)
    assert "第二个项目" in client.get("/").content.decode()


def test_home_fragment_is_cached_per_language(cast):
    client = cast.client_for(None)
    zh = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    en = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "注册志愿者" in zh
    assert "registered volunteers" in en


def test_cached_home_page_carries_each_visitors_own_csrf_token(cast):
    from django.test import Client

    from civitas.core.pagecache import CSRF_PLACEHOLDER

    make_project(cast, title="缓存页面")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get("/")
    with query_budget(0):
        response = second.get("/")
    html = response.content.decode()
    assert "缓存页面" in html and CSRF_PLACEHOLDER not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    switched = second.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert switched.status_code == 302
    assert "registered volunteers" in second.get("/").content.decode()


def test_signed_in_home_is_rendered_for_the_person(cast):
    client = cast.client_for(cast.volunteer)
    html = client.get("/").content.decode()
    assert "accounts/logout" in html or "Sign out" in html or "退出" in html
    assert "/accounts/signup/" not in html.split('<main')[1].split("</section>")[0]
