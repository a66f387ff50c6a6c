"""The public project page from the cache for visitors without a session (core.pagecache,
projects/cache.py): no query when warm, never for signed-in people, retired by the writes
that change what it shows, never for a project the public may not see."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from civitas.core.pagecache import CSRF_PLACEHOLDER
from civitas.core.testing import query_budget
from civitas.organizations import services as organizations
from civitas.projects import services
from civitas.projects.tests.conftest import make_project, make_shift
from civitas.publicity import services as publicity


def url(project) -> str:
    return f"/projects/{project.pk}/"


def queries(client: Client, path: str, **headers) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, **headers)
    assert response.status_code == 200
    return len(context.captured_queries), response.content.decode()


def test_warm_page_runs_no_query_and_renders_no_template_for_a_visitor(cast):
    project = make_project(cast)
    make_shift(cast, project)
    visitor = Client()
    cold, _ = queries(visitor, url(project))
    assert cold > 0
    with query_budget(0):
        response = Client().get(url(project))
    assert response.status_code == 200
    assert not response.templates  # served from the cache, nothing rendered
    assert "社区养老助餐服务" in response.content.decode()


def test_page_is_cached_per_language(cast):
    project = make_project(cast)
    zh = Client().get(url(project), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    en = Client().get(url(project), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "社区养老助餐服务" in zh and "Meals for elderly neighbours" not in zh
    assert "Meals for elderly neighbours" in en
    with query_budget(0):
        assert "Meals for elderly neighbours" in Client().get(url(project), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_signed_in_volunteer_gets_their_own_page_not_the_cached_one(cast):
    project = make_project(cast)
    shift = make_shift(cast, project)
    services.signup_create(shift=shift, volunteer=cast.volunteer)
    anonymous = Client().get(url(project)).content.decode()
    assert "/accounts/login/" in anonymous.split("<main")[1]
    page = cast.client_for(cast.volunteer).get(url(project))
    html = page.content.decode()
    assert page.templates  # rendered for the person
    assert "/projects/signups/" in html and "/accounts/login/?next=" not in html  # their sign-up, with Cancel
    assert "/projects/signups/" not in anonymous.split("<main")[1]


def test_visitor_with_a_flash_message_gets_the_page_rendered(cast):
    project = make_project(cast)
    Client().get(url(project))
    visitor = Client()
    visitor.cookies["messages"] = "anything"
    assert visitor.get(url(project)).templates


def test_a_sign_up_and_a_cancellation_change_the_free_places_visitors_see(cast, django_capture_on_commit_callbacks):
    project = make_project(cast)
    shift = make_shift(cast, project, capacity=2)
    assert "2 / 2" in Client().get(url(project)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        signup = services.signup_create(shift=shift, volunteer=cast.volunteer)
    assert "1 / 2" in Client().get(url(project)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.signup_cancel(signup=signup, actor=cast.volunteer)
    assert "2 / 2" in Client().get(url(project)).content.decode()


def test_a_page_cached_while_a_sign_up_was_being_written_is_retired_on_commit(cast, django_capture_on_commit_callbacks):
    project = make_project(cast)
    shift = make_shift(cast, project)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.signup_create(shift=shift, volunteer=cast.volunteer)
        Client().get(url(project))  # another visitor, before the commit
    with query_budget(0):
        Client().get(url(project))
    for callback in callbacks:
        callback()
    count, _ = queries(Client(), url(project))
    assert count > 0


def test_shift_and_project_edits_show_up(cast, django_capture_on_commit_callbacks):
    project = make_project(cast)
    shift = make_shift(cast, project)
    Client().get(url(project))
    with django_capture_on_commit_callbacks(execute=True):
        services.shift_update(shift=shift, actor=cast.organizer_a, place_name="江滩公园东门")
        make_shift(cast, project, title="周末加班")
    html = Client().get(url(project)).content.decode()
    assert "江滩公园东门" in html and "周末加班" in html
    with django_capture_on_commit_callbacks(execute=True):
        services.project_transition(project=project, action="start", actor=cast.organizer_a)
    assert "进行中" in Client().get(url(project)).content.decode()


def test_an_organization_rename_shows_up(cast, django_capture_on_commit_callbacks):
    project = make_project(cast)
    Client().get(url(project), HTTP_ACCEPT_LANGUAGE="en")
    with django_capture_on_commit_callbacks(execute=True):
        organizations.organization_update(organization=cast.org_a, actor=cast.organizer_a, name_en="Riverside Helpers")
    assert "Riverside Helpers" in Client().get(url(project), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_published_comment_shows_up(cast, django_capture_on_commit_callbacks):
    project = make_project(cast)
    first = publicity.comment_post(name="老王", email="wang@example.com", text="第一条", project=project)
    publicity.comment_moderate(comment=first, actor=cast.district_staff, action="approve")
    Client().get(url(project))
    with django_capture_on_commit_callbacks(execute=True):
        publicity.comment_post(name="老王", email="wang@example.com", text="活动很有意义", project=project)
    assert "活动很有意义" in Client().get(url(project)).content.decode()


def test_each_visitor_gets_their_own_csrf_token(cast):
    project = make_project(cast)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(url(project))
    with query_budget(0):
        response = second.get(url(project))
    html = response.content.decode()
    assert CSRF_PLACEHOLDER not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value
    assert f'"X-CSRFToken": "{token}"' in html  # htmx's header carries the same token
    switched = second.post("/i18n/setlang/", {"language": "en", "next": url(project), "csrfmiddlewaretoken": token})
    assert switched.status_code == 302
    stranger = first.post("/i18n/setlang/", {"language": "en", "next": url(project), "csrfmiddlewaretoken": token})
    assert stranger.status_code == 403  # the token belongs to the second visitor only


def test_draft_and_submitted_projects_are_neither_shown_nor_cached(cast):
    draft = make_project(cast, status="draft", title="内部草稿")
    submitted = make_project(cast, status="submitted", title="待审项目")
    for project in (draft, submitted):
        assert Client().get(url(project)).status_code == 404
        # Their staff see the page; visitors after them still do not.
        assert cast.client_for(cast.organizer_a).get(url(project)).status_code == 200
        with CaptureQueriesContext(connection) as context:
            response = Client().get(url(project))
        assert response.status_code == 404 and len(context.captured_queries) > 0
        assert "内部草稿" not in response.content.decode() and "待审项目" not in response.content.decode()


def test_a_staff_members_view_is_never_cached_for_visitors(cast):
    project = make_project(cast)
    make_shift(cast, project)
    staff = cast.client_for(cast.organizer_a).get(url(project)).content.decode()
    assert "/roster/" in staff
    visitor = Client().get(url(project)).content.decode()
    assert "/roster/" not in visitor and "/edit/" not in visitor
