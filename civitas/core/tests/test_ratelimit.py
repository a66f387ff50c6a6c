import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from civitas.core.errors import RateLimited
from civitas.core.ratelimit import by_user, check_rate, client_ip, hit, rate_limit


def test_fixed_window_allows_the_limit_then_refuses():
    with time_machine.travel(1_800_000_000, tick=False):
        results = [hit("t", "k", limit=3, period=60) for _ in range(4)]
    assert results == [True, True, True, False]


def test_a_new_window_starts_fresh():
    with time_machine.travel(1_800_000_000, tick=False) as traveller:
        for _ in range(3):
            hit("t", "k", limit=3, period=60)
        assert not hit("t", "k", limit=3, period=60)
        traveller.shift(60)
        assert hit("t", "k", limit=3, period=60)


def test_keys_and_scopes_count_apart():
    for _ in range(2):
        hit("a", "k", limit=2, period=60)
    assert not hit("a", "k", limit=2, period=60)
    assert hit("a", "other", limit=2, period=60)
    assert hit("b", "k", limit=2, period=60)


@override_settings(RATE_LIMITS={"comment": (1, 600)})
def test_check_rate_raises_for_the_api():
    request = RequestFactory().post("/api/v1/x")
    check_rate(request, "comment")
    with pytest.raises(RateLimited):
        check_rate(request, "comment")


def test_decorator_answers_429_to_posts_only():
    @rate_limit("x", limit=1, period=60)
    def view(request):
        return HttpResponse("ok")

    def post():
        request = RequestFactory().post("/")
        request.user = AnonymousUser()
        return request

    assert view(post()).status_code == 200
    response = view(post())
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert view(RequestFactory().get("/")).status_code == 200


def test_decorator_reads_limits_from_settings(settings):
    settings.RATE_LIMITS = {"scoped": (1, 30)}

    @rate_limit("scoped")
    def view(request):
        return HttpResponse("ok")

    request = RequestFactory().post("/")
    request.user = AnonymousUser()
    view(request)
    assert view(request).status_code == 429


def test_disabled_limits_never_refuse(settings):
    settings.RATELIMIT_ENABLED = False
    assert all(hit("t", "k", limit=1, period=60) for _ in range(5))


def test_forwarded_for_is_trusted_only_behind_a_proxy(settings):
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="1.1.1.1, 2.2.2.2", REMOTE_ADDR="10.0.0.1")
    settings.RATELIMIT_TRUST_FORWARDED_FOR = False
    assert client_ip(request) == "10.0.0.1"
    settings.RATELIMIT_TRUST_FORWARDED_FOR = True
    assert client_ip(request) == "2.2.2.2"


def test_by_user_counts_signed_in_people_apart(cast):
    request = RequestFactory().post("/")
    request.user = cast.volunteer
    assert by_user(request) == f"user:{cast.volunteer.pk}"
