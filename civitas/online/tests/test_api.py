from __future__ import annotations

import pytest
from django.test import Client

from civitas.core.testing import query_budget
from civitas.ledger.models import VolunteerTotals
from civitas.online import services
from civitas.online.tests.conftest import image_upload, make_task, right_answers


@pytest.fixture
def client():
    return Client()


def test_task_list_is_public_and_within_budget(cast, project, client):
    for index in range(5):
        make_task(project, cast.organizer_a, title=f"任务{index}")

    with query_budget(4):
        response = client.get("/api/v1/online-tasks")

    body = response.json()
    assert response.status_code == 200 and body["count"] == 5 and len(body["items"]) == 5
    assert body["items"][0]["taken"] == 0 and body["items"][0]["hours_per_submission"] == "0.50"


def test_claim_then_submit_then_review(cast, task, client, api_token):
    volunteer = api_token(cast.volunteer)

    claimed = client.post(f"/api/v1/online-tasks/{task.pk}/claims", **volunteer)
    submitted = client.post(
        f"/api/v1/online-tasks/{task.pk}/submissions", {"link": "https://example.org/api"}, **volunteer
    )
    reviewed = client.post(
        f"/api/v1/submissions/{submitted.json()['id']}/review", {"accept": True},
        content_type="application/json", **api_token(cast.organizer_a),
    )

    assert claimed.status_code == 201 and claimed.json()["status"] == "claimed"
    assert submitted.status_code == 201 and submitted.json()["id"] == claimed.json()["id"]
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "accepted"
    assert str(VolunteerTotals.objects.get(volunteer=cast.volunteer).total_hours) == "0.50"


def test_accepting_twice_answers_409(cast, task, client, api_token):
    submission = services.submission_submit(task=task, volunteer=cast.volunteer, link="https://example.org/twice")
    url = f"/api/v1/submissions/{submission.pk}/review"
    headers = api_token(cast.organizer_a)
    client.post(url, {"accept": True}, content_type="application/json", **headers)

    again = client.post(url, {"accept": True}, content_type="application/json", **headers)

    assert again.status_code == 409 and again.json()["error"]["code"] == "already_accepted"


def test_outsiders_cannot_review(cast, task, client, api_token):
    submission = services.submission_submit(task=task, volunteer=cast.volunteer, link="https://example.org/o")
    url = f"/api/v1/submissions/{submission.pk}/review"

    other_staff = client.post(url, {"accept": True}, content_type="application/json", **api_token(cast.organizer_b))
    other_volunteer = client.post(url, {"accept": True}, content_type="application/json", **api_token(cast.volunteer2))
    own = client.post(url, {"accept": True}, content_type="application/json", **api_token(cast.volunteer))
    anonymous = client.post(url, {"accept": True}, content_type="application/json")

    assert other_staff.status_code == 404 and other_volunteer.status_code == 404
    assert own.status_code == 403 and anonymous.status_code == 401


def test_duplicate_submission_answers_422_with_the_reason(cast, task, client, api_token):
    services.submission_submit(task=task, volunteer=cast.volunteer, link="https://example.org/dup")

    response = client.post(
        f"/api/v1/online-tasks/{task.pk}/submissions", {"link": "https://example.org/dup/?utm_campaign=x"},
        **api_token(cast.volunteer2),
    )

    assert response.status_code == 422
    assert "已被提交过" in response.json()["error"]["fields"]["link"][0]


def test_image_upload_through_the_api(cast, project, client, api_token):
    task = make_task(project, cast.organizer_a, requires_link=False, requires_image=True)

    response = client.post(
        f"/api/v1/online-tasks/{task.pk}/submissions", {"image": image_upload()}, **api_token(cast.volunteer)
    )
    refused = client.post(
        f"/api/v1/online-tasks/{task.pk}/submissions", {"image": image_upload(fmt="GIF", name="x.gif")},
        **api_token(cast.volunteer2),
    )

    assert response.status_code == 201 and response.json()["has_image"] is True
    assert refused.status_code == 422 and "image" in refused.json()["error"]["fields"]


def test_quota_full_answers_409(cast, project, client, api_token):
    task = make_task(project, cast.organizer_a, quota_total=1, quota_per_volunteer=1)
    client.post(f"/api/v1/online-tasks/{task.pk}/claims", **api_token(cast.volunteer))

    response = client.post(f"/api/v1/online-tasks/{task.pk}/claims", **api_token(cast.volunteer2))

    assert response.status_code == 409 and response.json()["error"]["code"] == "quota_full"


def test_courses_quiz_and_qualifications(cast, course, client, api_token):
    with query_budget(4):
        listed = client.get("/api/v1/courses")
    detail = client.get(f"/api/v1/courses/{course.pk}")
    attempt = client.post(
        f"/api/v1/courses/{course.pk}/quiz-attempts", {"answers": right_answers(course)},
        content_type="application/json", **api_token(cast.volunteer),
    )
    held = client.get("/api/v1/me/qualifications", **api_token(cast.volunteer))

    assert listed.json()["count"] == 1 and listed.json()["items"][0]["qualification_name"] == "网络内容审核"
    assert len(detail.json()["questions"]) == 2 and "is_correct" not in str(detail.json())
    assert attempt.status_code == 201 and attempt.json()["is_passed"] is True
    assert held.json()["count"] == 1 and held.json()["items"][0]["is_valid"] is True


def test_quiz_needs_sign_in(course, client):
    response = client.post(f"/api/v1/courses/{course.pk}/quiz-attempts", {"answers": {}}, content_type="application/json")

    assert response.status_code == 401


def test_submission_as_json(cast, task, client, api_token):
    response = client.post(
        f"/api/v1/online-tasks/{task.pk}/submissions", {"link": "https://example.org/json"},
        content_type="application/json", **api_token(cast.volunteer),
    )
    broken = client.post(
        f"/api/v1/online-tasks/{task.pk}/submissions", "[1", content_type="application/json", **api_token(cast.volunteer2)
    )

    assert response.status_code == 201 and response.json()["link"] == "https://example.org/json"
    assert broken.status_code == 422


@pytest.mark.parametrize(
    "query",
    ["/api/v1/online-tasks?page=100001", "/api/v1/courses?page=100001", f"/api/v1/online-tasks?organization={10**20}",
     "/api/v1/online-tasks?organization=0"],
)
def test_numbers_beyond_their_range_are_refused_not_overflowed(db, client, query):
    response = client.get(query)

    assert response.status_code == 422


def test_the_last_allowed_page_is_empty(cast, task, client):
    response = client.get("/api/v1/online-tasks?page=100000")

    assert response.status_code == 200 and response.json() == {"items": [], "count": 1}
