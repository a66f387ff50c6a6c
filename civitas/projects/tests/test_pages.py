from __future__ import annotations

import datetime as dt
import io

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from civitas.core.testing import query_budget
from civitas.projects import services, views
from civitas.projects.models import Project, SignUpStatus
from civitas.projects.tests.conftest import make_project, make_shift


def test_list_page_has_a_query_budget(cast):
    for i in range(8):
        make_shift(cast, make_project(cast, title=f"项目{i}"))
    client = cast.client_for(cast.volunteer)
    client.get("/projects/")
    with query_budget(10):
        response = client.get("/projects/", {"q": "项目", "page": "2"})
    assert response.status_code == 200
    with query_budget(17):
        response = client.get("/projects/")
    assert "项目0" in response.content.decode()


def test_list_counts_no_further_than_its_limit(cast, monkeypatch):
    for i in range(3):
        make_project(cast, title=f"助老{i}")
    client = cast.client_for(cast.volunteer)
    monkeypatch.setattr(views, "LIST_COUNT_LIMIT", 3)
    page = client.get("/projects/", {"q": "助老"}).content.decode()
    assert "3 个项目" in page and "3+" not in page
    monkeypatch.setattr(views, "LIST_COUNT_LIMIT", 2)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/projects/", {"q": "助老"}).content.decode()
    assert "2+ 个项目" in page
    count = next(query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"])
    assert "LIMIT 3" in count and "ORDER BY" not in count


def test_bad_filters_do_not_fail(cast, client):
    make_project(cast)
    response = client.get("/projects/", {"near": "x,y", "radius_km": "-3", "date_from": "soon", "region": "999"})
    assert response.status_code == 200


def test_map_page_uses_only_local_assets_without_a_tile_server(cast, client, settings):
    settings.CIVITAS = {**settings.CIVITAS, "MAP_TILE_URL": ""}
    make_project(cast)
    page = client.get("/projects/map/").content.decode()
    assert "/static/vendor/leaflet/leaflet.js" in page
    assert 'id="map-note"' in page
    response = client.get("/projects/map/")
    assert [m["title"] for m in response.context["markers"]] == ["社区养老助餐服务"]
    assert '<script id="map-markers" type="application/json">[{' in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page


def test_detail_page_shows_shifts_reasons_and_history(cast):
    from civitas.accounts.models import Skill

    project = make_project(cast)
    shift = make_shift(cast, project)
    shift.skills.add(Skill.objects.get(code="first_aid"))
    page = cast.client_for(cast.volunteer).get(f"/projects/{project.pk}/").content.decode()
    assert "急救" in page  # the skill, and the reason the volunteer cannot sign up
    assert "History" not in page and "历史" not in page  # volunteers see no internal history
    page = cast.client_for(cast.district_staff).get(f"/projects/{project.pk}/")
    assert len(page.context["events"]) == 4


def test_draft_is_hidden_from_outsiders(cast):
    draft = make_project(cast, status="draft")
    assert cast.client_for(None).get(f"/projects/{draft.pk}/").status_code == 404
    assert cast.client_for(cast.organizer_b).get(f"/projects/{draft.pk}/").status_code == 404
    assert cast.client_for(cast.organizer_b).get(f"/projects/{draft.pk}/edit/").status_code == 404


def test_outsiders_cannot_propose_edit_or_review(cast):
    project = make_project(cast, status="submitted")
    assert cast.client_for(cast.volunteer).get("/projects/new/").status_code == 403
    assert cast.client_for(cast.volunteer).get("/projects/review/").status_code == 403
    assert cast.client_for(cast.district_staff).get(f"/projects/{project.pk}/edit/").status_code == 403
    cast.client_for(cast.other_district_staff).post(f"/projects/{project.pk}/transition/", {"action": "approve"})
    project.refresh_from_db()
    assert project.status == "submitted"


def test_sign_up_and_cancel_from_the_pages(cast):
    shift = make_shift(cast, make_project(cast))
    client = cast.client_for(cast.volunteer)
    client.post(f"/projects/shifts/{shift.pk}/signup/")
    signup = shift.signups.get()
    assert signup.status == SignUpStatus.CONFIRMED
    assert "和平社区食堂" in client.get("/projects/mine/").content.decode()
    client.post(f"/projects/signups/{signup.pk}/cancel/")
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.CANCELLED


def test_roster_export_in_csv_and_xlsx_for_organizers_only(cast):
    shift = make_shift(cast, make_project(cast))
    services.signup_create(shift=shift, volunteer=cast.volunteer)
    organizer = cast.client_for(cast.organizer_a)
    csv_body = organizer.get(f"/projects/shifts/{shift.pk}/roster.csv").content.decode("utf-8-sig")
    assert "李小红" in csv_body and "13900000001" not in csv_body  # not a member: masked
    from civitas.organizations.services import membership_apply

    membership_apply(user=cast.volunteer, organization=cast.org_a)
    csv_body = organizer.get(f"/projects/shifts/{shift.pk}/roster.csv").content.decode("utf-8-sig")
    assert "13900000001" in csv_body
    assert "13900000001" in organizer.get(f"/projects/shifts/{shift.pk}/roster/").content.decode()
    workbook = load_workbook(io.BytesIO(organizer.get(f"/projects/shifts/{shift.pk}/roster.xlsx").content))
    assert workbook.active["B2"].value == "李小红"
    assert organizer.get(f"/projects/shifts/{shift.pk}/roster.pdf").status_code == 404
    assert cast.client_for(cast.organizer_b).get(f"/projects/shifts/{shift.pk}/roster.csv").status_code == 404
    assert cast.client_for(cast.volunteer).get(f"/projects/shifts/{shift.pk}/roster/").status_code == 404
    assert cast.client_for(cast.auditor).get(f"/projects/shifts/{shift.pk}/roster.csv").status_code == 403


def test_roster_actions_from_the_page(cast):
    project = make_project(cast)
    shift = make_shift(cast, project)
    signup = services.signup_create(shift=shift, volunteer=cast.volunteer)
    with time_machine.travel(shift.starts_at + dt.timedelta(minutes=30)):
        organizer = cast.client_for(cast.organizer_a)  # sessions last 12 hours: sign in on the day
        assert organizer.get(f"/projects/shifts/{shift.pk}/roster/").status_code == 200
        organizer.post(f"/projects/signups/{signup.pk}/roster/", {"action": "attended"})
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.ATTENDED


def test_create_project_page_keeps_values_on_error(cast):
    client = cast.client_for(cast.organizer_a)
    response = client.post("/projects/new/", {
        "organization": cast.org_a.pk, "title": "好项目", "category": "health", "latitude": "30.5",
        "beneficiary_count": 0, "budget": "0",
    })
    assert response.status_code == 200
    assert "好项目" in response.content.decode()
    assert not Project.objects.exists()


def test_calendar_link_can_be_revoked(cast):
    client = cast.client_for(cast.volunteer)
    client.post("/projects/calendar/token/")
    url = client.get("/projects/mine/").context["feed_url"]
    assert cast.client_for(None).get(url).status_code == 200
    client.post("/projects/calendar/token/", {"revoke": "1"})
    assert cast.client_for(None).get(url).status_code == 404


def test_project_calendar_is_valid_icalendar(cast, client):
    from icalendar import Calendar

    project = make_project(cast)
    shift = make_shift(cast, project)
    response = client.get(f"/projects/{project.pk}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == shift.starts_at
    assert str(event["dtstart"].to_ical().decode()).endswith("Z")
    for prop in ("uid", "dtstamp", "dtend", "summary", "location", "url"):
        assert prop in event


def test_offer_page_accepts_the_place(cast):
    shift = make_shift(cast, make_project(cast), capacity=1, waitlist_mode="offer")
    first = services.signup_create(shift=shift, volunteer=cast.volunteer)
    second = services.signup_create(shift=shift, volunteer=cast.volunteer2)
    services.signup_cancel(signup=first, actor=cast.volunteer)
    second.refresh_from_db()
    assert cast.client_for(cast.volunteer).get(f"/projects/offers/{second.offer_token}/").status_code == 404
    client = cast.client_for(cast.volunteer2)
    assert client.get(f"/projects/offers/{second.offer_token}/").status_code == 200
    client.post(f"/projects/offers/{second.offer_token}/")
    second.refresh_from_db()
    assert second.status == SignUpStatus.CONFIRMED
