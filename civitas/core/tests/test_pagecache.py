"""core.pagecache: the whole-page cache for visitors without a session, on a bare view."""

from __future__ import annotations

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.template.response import TemplateResponse
from django.test import RequestFactory

from civitas.core.pagecache import (
    CSRF_PLACEHOLDER,
    page_version,
    page_versions_retire,
    visitor_page_cache,
)

PAGE = engines["django"].from_string('<p>{{ text }}</p><form>{% csrf_token %}</form><i>{{ csrf_token }}</i>')


def counted_view(template=PAGE, status=200):
    calls = []

    @visitor_page_cache(key=lambda request: f"test:{page_version('test')}", ttl=lambda: 60)
    def view(request):
        calls.append(request)
        return TemplateResponse(request, template, {"text": f"call {len(calls)}"}, status=status)

    return view, calls


def test_second_visitor_gets_the_first_visitors_page_with_their_own_token():
    view, calls = counted_view()
    first, second = RequestFactory().get("/page/"), RequestFactory().get("/page/")
    first_html, second_html = view(first).content.decode(), view(second).content.decode()
    assert len(calls) == 1
    assert "call 1" in second_html and CSRF_PLACEHOLDER not in second_html
    assert second.META["CSRF_COOKIE"] != first.META["CSRF_COOKIE"]
    assert first_html.count(CSRF_PLACEHOLDER) == 0 and second_html.count('name="csrfmiddlewaretoken"') == 1


def test_retiring_the_version_renders_the_page_again(db):
    view, calls = counted_view()
    view(RequestFactory().get("/page/"))
    page_versions_retire("test")
    assert "call 2" in view(RequestFactory().get("/page/")).content.decode()
    assert len(calls) == 2


def test_language_host_and_query_string_each_have_their_own_copy():
    from django.utils import translation

    view, calls = counted_view()
    view(RequestFactory().get("/page/"))
    view(RequestFactory().get("/page/", {"from": "timeline"}))
    view(RequestFactory().get("/page/", HTTP_HOST="localhost"))
    with translation.override("en"):
        view(RequestFactory().get("/page/"))
    assert len(calls) == 4


def test_people_with_a_session_a_message_or_an_htmx_request_get_the_view():
    view, calls = counted_view()
    view(RequestFactory().get("/page/"))
    with_session = RequestFactory().get("/page/")
    with_session.COOKIES["sessionid"] = "x"
    with_message = RequestFactory().get("/page/")
    with_message.COOKIES["messages"] = "x"
    for request in (with_session, with_message, RequestFactory().get("/page/", HTTP_HX_REQUEST="true"),
                    RequestFactory().post("/page/")):
        view(request)
    assert len(calls) == 5


def test_only_a_200_is_kept():
    view, calls = counted_view(status=404)
    response = view(RequestFactory().get("/page/"))
    assert response.status_code == 404 and CSRF_PLACEHOLDER not in response.content.decode()
    view(RequestFactory().get("/page/"))
    assert len(calls) == 2


def test_a_page_that_asked_for_the_real_token_is_not_kept():
    template = engines["django"].from_string("{{ leak }}")
    calls = []

    @visitor_page_cache(key=lambda request: "leaky", ttl=lambda: 60)
    def view(request):
        calls.append(request)
        return TemplateResponse(request, template, {"leak": lambda: get_token(request)})

    first = view(RequestFactory().get("/page/")).content.decode()
    second = view(RequestFactory().get("/page/")).content.decode()
    assert len(calls) == 2 and first != second


def test_a_view_that_renders_itself_is_served_as_it_is_and_not_kept():
    calls = []

    @visitor_page_cache(key=lambda request: "plain", ttl=lambda: 60)
    def view(request):
        calls.append(request)
        return HttpResponse("plain")

    view(RequestFactory().get("/page/"))
    view(RequestFactory().get("/page/"))
    assert len(calls) == 2
