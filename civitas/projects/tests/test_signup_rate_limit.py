"""Sign-ups are rate limited per person (scope "signup"), on the page and in the API together."""

from __future__ import annotations

from django.test import override_settings

from civitas.projects.models import SignUp
from civitas.projects.tests.conftest import make_shift, next_week


@override_settings(RATE_LIMITS={"signup": (2, 3600)})
def test_too_many_sign_ups_on_the_page_answer_429(cast, project):
    shifts = [make_shift(cast, project, capacity=5, starts_at=next_week(days=7 + day)) for day in range(3)]
    client = cast.client_for(cast.volunteer)

    answers = [client.post(f"/projects/shifts/{shift.pk}/signup/").status_code for shift in shifts]

    assert answers == [302, 302, 429]
    assert SignUp.objects.filter(volunteer=cast.volunteer).count() == 2


@override_settings(RATE_LIMITS={"signup": (2, 3600)})
def test_api_sign_ups_count_with_the_page_and_per_person(cast, project, api_token):
    shifts = [make_shift(cast, project, capacity=5, starts_at=next_week(days=7 + day)) for day in range(3)]
    page = cast.client_for(cast.volunteer)
    assert page.post(f"/projects/shifts/{shifts[0].pk}/signup/").status_code == 302
    headers = api_token(cast.volunteer)
    assert page.post(f"/api/v1/shifts/{shifts[1].pk}/signups", {}, content_type="application/json",
                     **headers).status_code == 201

    refused = page.post(f"/api/v1/shifts/{shifts[2].pk}/signups", {}, content_type="application/json", **headers)
    other = cast.client_for(cast.volunteer2).post(
        f"/api/v1/shifts/{shifts[2].pk}/signups", {}, content_type="application/json", **api_token(cast.volunteer2)
    )

    assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limited"
    assert other.status_code == 201
    assert not SignUp.objects.filter(volunteer=cast.volunteer, shift=shifts[2]).exists()


@override_settings(RATE_LIMITS={"signup": (1, 3600)})
def test_showing_the_project_page_does_not_count(cast, project):
    shift = make_shift(cast, project)
    client = cast.client_for(cast.volunteer)
    for _ in range(3):
        assert client.get(f"/projects/{project.pk}/").status_code == 200

    assert client.post(f"/projects/shifts/{shift.pk}/signup/").status_code == 302
    assert SignUp.objects.filter(volunteer=cast.volunteer, shift=shift).exists()
