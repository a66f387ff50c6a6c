"""The path a new user takes (issue #3, "Done when"), through the pages and the API."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from civitas.projects.models import Project, ProjectStatus, Shift, SignUp, SignUpStatus
from civitas.projects.tests.conftest import next_week


def test_propose_approve_find_sign_up_waitlist_move_up_and_calendar(cast, api_token):
    organizer = cast.client_for(cast.organizer_a)
    # an organizer proposes a project with a shift
    response = organizer.post("/projects/new/", {
        "organization": cast.org_a.pk, "title": "社区养老陪伴", "title_en": "Company for elderly neighbours",
        "category": "elderly_disabled", "place_name": "和平社区", "latitude": "30.600000", "longitude": "114.300000",
        "beneficiary_count": 30, "budget": "0", "description": "<p>陪老人聊天</p>",
    })
    assert response.status_code == 302
    project = Project.objects.get(title="社区养老陪伴")
    start = next_week(9)
    response = organizer.post(f"/projects/{project.pk}/shifts/new/", {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"), "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": 1, "hours_credited": "2", "cancellation_cutoff_hours": 2, "waitlist_mode": "automatic",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    shift = Shift.objects.get(project=project)
    organizer.post(f"/projects/{project.pk}/transition/", {"action": "submit"})

    # committee staff approve it from their queue; the organizer starts recruiting
    staff = cast.client_for(cast.district_staff)
    assert "社区养老陪伴" in staff.get("/projects/review/").content.decode()
    staff.post(f"/projects/{project.pk}/transition/", {"action": "approve", "from": "queue"})
    organizer.post(f"/projects/{project.pk}/transition/", {"action": "recruit"})
    project.refresh_from_db()
    assert project.status == ProjectStatus.RECRUITING

    # a volunteer finds it by a Chinese word and by distance
    volunteer = cast.client_for(cast.volunteer)
    assert "社区养老陪伴" in volunteer.get("/projects/", {"q": "养老"}).content.decode()
    found = volunteer.get("/api/v1/projects", {"near": "30.61,114.30", "radius_km": 3}).json()
    assert [p["id"] for p in found["items"]] == [project.pk]
    assert 1.0 < found["items"][0]["distance_km"] < 1.2
    assert volunteer.get("/api/v1/projects", {"near": "30.70,114.30", "radius_km": 3}).json()["count"] == 0

    # the volunteer signs up; a second volunteer lands on the waitlist
    response = volunteer.post(f"/api/v1/shifts/{shift.pk}/signups", {}, content_type="application/json", **api_token(cast.volunteer))
    assert response.status_code == 201 and response.json()["status"] == "confirmed"
    first_id = response.json()["id"]
    response = cast.client_for(None).post(f"/api/v1/shifts/{shift.pk}/signups", {}, content_type="application/json",
                                          **api_token(cast.volunteer2))
    assert response.json() == {"id": response.json()["id"], "status": "waitlisted", "waitlist_position": 1}

    # the confirmed shift is in the first volunteer's calendar feed
    volunteer.post("/projects/calendar/token/")
    feed_url = volunteer.get("/projects/mine/").context["feed_url"]
    calendar = Calendar.from_ical(cast.client_for(None).get(feed_url).content)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["uid"]) for e in events] == [f"shift-{shift.pk}@civitas.local"]

    # the first cancels; the second moves up
    response = cast.client_for(None).delete(f"/api/v1/signups/{first_id}", **api_token(cast.volunteer))
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    second = SignUp.objects.get(shift=shift, volunteer=cast.volunteer2)
    assert (second.status, second.waitlist_position) == (SignUpStatus.CONFIRMED, None)
    assert not Calendar.from_ical(cast.client_for(None).get(feed_url).content).walk("VEVENT")
