from __future__ import annotations

import datetime as dt

from civitas.core.testing import query_budget
from civitas.projects import services
from civitas.projects.models import Project, Shift, SignUp
from civitas.projects.tests.conftest import make_project, make_shift, next_week


def post(client, url, data, headers):
    return client.post(url, data, content_type="application/json", **headers)


def test_list_endpoint_answers_items_and_count_within_a_query_budget(cast, client):
    for i in range(5):
        make_project(cast, title=f"项目{i}")
    make_project(cast, status="draft", title="草稿")
    with query_budget(4):
        body = client.get("/api/v1/projects").json()
    assert body["count"] == 5
    assert "草稿" not in {p["title"] for p in body["items"]}


def test_list_filters_by_category_region_and_status(cast, client):
    make_project(cast)
    other = make_project(cast, title="河道清洁", category="environment", region=cast.city.community_a)
    assert [p["id"] for p in client.get("/api/v1/projects", {"category": "environment"}).json()["items"]] == [other.pk]
    assert client.get("/api/v1/projects", {"region": cast.city.district_b.pk}).json()["count"] == 0
    assert client.get("/api/v1/projects", {"region": cast.city.street_a.pk}).json()["count"] == 1
    assert client.get("/api/v1/projects", {"status": "evaluated"}).json()["count"] == 0


def test_bad_near_is_invalid_input(client):
    response = client.get("/api/v1/projects", {"near": "north"})
    assert response.status_code == 422
    assert "near" in response.json()["error"]["fields"]


def test_create_project_and_transitions(cast, client, api_token):
    headers = api_token(cast.organizer_a)
    response = post(client, "/api/v1/projects", {"organization": cast.org_a.pk, "title": "助学", "category": "children_education"}, headers)
    assert response.status_code == 201
    project_id = response.json()["id"]
    assert response.json()["region_id"] == cast.city.district_a.pk
    response = post(client, f"/api/v1/projects/{project_id}/transitions", {"action": "approve"}, headers)
    assert response.status_code == 403
    response = post(client, f"/api/v1/projects/{project_id}/transitions", {"action": "complete"}, headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "transition_not_allowed"
    assert post(client, f"/api/v1/projects/{project_id}/transitions", {"action": "submit"}, headers).status_code == 200
    staff = api_token(cast.district_staff)
    response = post(client, f"/api/v1/projects/{project_id}/transitions", {"action": "reject"}, staff)
    assert response.status_code == 422 and "reason" in response.json()["error"]["fields"]
    response = post(client, f"/api/v1/projects/{project_id}/transitions", {"action": "return", "reason": "补充地点"}, staff)
    assert response.json()["status"] == "returned"


def test_outsider_cannot_create_for_an_organization(cast, client, api_token):
    response = post(client, "/api/v1/projects", {"organization": cast.org_a.pk, "title": "x", "category": "other"}, api_token(cast.organizer_b))
    assert response.status_code == 403
    assert not Project.objects.exists()


def test_drafts_are_not_found_by_outsiders(cast, client, api_token):
    draft = make_project(cast, status="draft")
    assert client.get(f"/api/v1/projects/{draft.pk}").status_code == 404
    assert client.get(f"/api/v1/projects/{draft.pk}", **api_token(cast.organizer_b)).status_code == 404
    assert client.get(f"/api/v1/projects/{draft.pk}", **api_token(cast.organizer_a)).status_code == 200


def test_shifts_endpoints(cast, client, api_token):
    project = make_project(cast)
    start = next_week()
    headers = api_token(cast.organizer_a)
    response = post(client, f"/api/v1/projects/{project.pk}/shifts", {
        "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=2)).isoformat(), "capacity": 3,
        "hours_credited": "2", "skills": ["first_aid"],
    }, headers)
    assert response.status_code == 201, response.json()
    shift_id = response.json()["items"][0]["id"]
    response = post(client, f"/api/v1/projects/{project.pk}/shifts", {
        "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=2)).isoformat(), "capacity": 3,
        "hours_credited": "2", "weeks": 2, "weekdays": ["mon", "wed", "fri"],
    }, headers)
    assert response.json()["count"] == 6
    response = post(client, f"/api/v1/projects/{project.pk}/shifts", {
        "starts_at": start.isoformat(), "ends_at": start.isoformat(), "capacity": 0, "hours_credited": "9",
    }, headers)
    assert response.status_code == 422
    assert {"ends_at", "capacity"} <= set(response.json()["error"]["fields"])
    response = post(client, f"/api/v1/projects/{project.pk}/shifts", {
        "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=2)).isoformat(), "capacity": 3, "hours_credited": "2",
    }, api_token(cast.organizer_b))
    assert response.status_code == 403
    listed = client.get(f"/api/v1/projects/{project.pk}/shifts").json()
    assert listed["count"] == 7
    shift = client.get(f"/api/v1/shifts/{shift_id}").json()
    assert (shift["capacity"], shift["confirmed"], shift["waitlisted"]) == (3, 0, 0)


def test_sign_up_refusals_answer_with_the_reason_and_change_nothing(cast, client, api_token):
    project = make_project(cast)
    shift = make_shift(cast, project, capacity=1, waitlist_limit=0)
    headers = api_token(cast.volunteer)
    assert post(client, f"/api/v1/shifts/{shift.pk}/signups", {}, headers).status_code == 201
    response = post(client, f"/api/v1/shifts/{shift.pk}/signups", {}, headers)
    assert response.status_code == 409 and response.json()["error"]["code"] == "already_signed_up"
    response = post(client, f"/api/v1/shifts/{shift.pk}/signups", {}, api_token(cast.volunteer2))
    assert response.status_code == 409 and response.json()["error"]["code"] == "shift_full"
    needs_skill = make_shift(cast, project, starts_at=next_week(days=9))
    needs_skill.skills.add(*__import__("civitas.accounts.models", fromlist=["Skill"]).Skill.objects.filter(code="first_aid"))
    response = post(client, f"/api/v1/shifts/{needs_skill.pk}/signups", {}, headers)
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["requirements"]
    assert SignUp.objects.count() == 1
    assert Shift.objects.get(pk=shift.pk).confirmed_count == 1
    assert post(client, "/api/v1/shifts/999999/signups", {}, headers).status_code == 404
    assert post(client, f"/api/v1/shifts/{shift.pk}/signups", {}, {}).status_code == 401


def test_a_shift_of_a_project_not_yet_public_is_not_found_by_outsiders(cast, client, api_token):
    shift = make_shift(cast, make_project(cast, status="submitted"))
    response = post(client, f"/api/v1/shifts/{shift.pk}/signups", {}, api_token(cast.volunteer))
    assert response.status_code == 404
    # the organization's own staff see it, and hear why they may not sign up
    response = post(client, f"/api/v1/shifts/{shift.pk}/signups", {}, api_token(cast.organizer_a))
    assert response.status_code in (409, 422)
    assert not SignUp.objects.exists()


def test_cancelled_shift_refuses_sign_ups(cast, client, api_token):
    shift = make_shift(cast, make_project(cast))
    response = post(client, f"/api/v1/shifts/{shift.pk}/cancel", {"reason": "台风"}, api_token(cast.organizer_a))
    assert response.json()["status"] == "cancelled"
    response = post(client, f"/api/v1/shifts/{shift.pk}/signups", {}, api_token(cast.volunteer))
    assert response.status_code == 409 and response.json()["error"]["code"] == "shift_cancelled"


def test_only_the_volunteer_or_organizer_cancels_a_sign_up(cast, client, api_token):
    shift = make_shift(cast, make_project(cast))
    signup = services.signup_create(shift=shift, volunteer=cast.volunteer)
    assert client.delete(f"/api/v1/signups/{signup.pk}", **api_token(cast.volunteer2)).status_code == 404
    assert client.delete(f"/api/v1/signups/{signup.pk}", **api_token(cast.organizer_b)).status_code == 404
    assert client.delete(f"/api/v1/signups/{signup.pk}", **api_token(cast.organizer_a)).status_code == 200
    assert client.delete(f"/api/v1/signups/{signup.pk}", **api_token(cast.volunteer)).status_code == 409


def test_roster_and_decisions_for_organizers_only(cast, client, api_token):
    shift = make_shift(cast, make_project(cast), requires_approval=True)
    signup = services.signup_create(shift=shift, volunteer=cast.volunteer)
    assert client.get(f"/api/v1/shifts/{shift.pk}/roster", **api_token(cast.organizer_b)).status_code == 404
    assert client.get(f"/api/v1/shifts/{shift.pk}/roster", **api_token(cast.volunteer)).status_code == 404
    roster = client.get(f"/api/v1/shifts/{shift.pk}/roster", **api_token(cast.organizer_a)).json()
    assert [(r["id"], r["status"]) for r in roster["items"]] == [(signup.pk, "pending")]
    # the auditor reads the roster but decides nothing
    assert client.get(f"/api/v1/shifts/{shift.pk}/roster", **api_token(cast.auditor)).status_code == 200
    response = post(client, f"/api/v1/signups/{signup.pk}/decision", {"action": "approve"}, api_token(cast.auditor))
    assert response.status_code == 403
    response = post(client, f"/api/v1/signups/{signup.pk}/decision", {"action": "approve"}, api_token(cast.organizer_a))
    assert response.json()["status"] == "confirmed"
    response = post(client, f"/api/v1/signups/{signup.pk}/decision", {"action": "fly"}, api_token(cast.organizer_a))
    assert response.status_code == 422
