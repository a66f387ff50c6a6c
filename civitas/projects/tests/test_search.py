from __future__ import annotations

import datetime as dt
from decimal import Decimal

from civitas.accounts.models import Skill, VolunteerProfile
from civitas.projects import selectors, services
from civitas.projects.tests.conftest import make_project, make_shift, next_week


def search(user, **kwargs):
    return list(selectors.project_search(user=user, search=selectors.ProjectSearch(**kwargs)))


def test_chinese_english_partial_and_pinyin_words_find_elderly_care(cast):
    elderly = make_project(cast, title="夕阳红陪伴", title_en="Golden years", summary="", category="elderly_disabled")
    make_project(cast, title="河道清洁", title_en="River cleanup", summary="", category="environment")
    for words in ("养老", "elderly", "ELDER", "夕阳", "xiyang", "xyh", "陪伴 golden"):
        assert search(cast.volunteer, q=words) == [elderly], words


def test_category_district_and_date_range(cast):
    near = make_project(cast, title="近期", region=cast.city.community_a)
    later = make_project(cast, title="以后", category="health")
    make_shift(cast, near, starts_at=next_week(days=3))
    make_shift(cast, later, starts_at=next_week(days=30))
    today = next_week(days=0).date()
    assert search(cast.volunteer, date_from=today, date_to=today + dt.timedelta(days=7)) == [near]
    assert search(cast.volunteer, category="health") == [later]
    assert search(cast.volunteer, region=cast.city.street_a) == [near]
    assert search(cast.volunteer, region=cast.city.district_b) == []


def test_skill_and_open_places_only(cast):
    full = make_project(cast, title="满员")
    open_project = make_project(cast, title="有空位")
    shift = make_shift(cast, full, capacity=1)
    services.signup_create(shift=shift, volunteer=cast.volunteer2)
    skilled = make_shift(cast, open_project, capacity=5)
    skilled.skills.add(Skill.objects.get(code="first_aid"))
    assert search(cast.volunteer, open_only=True) == [open_project]
    assert search(cast.volunteer, skill=Skill.objects.get(code="first_aid").pk) == [open_project]


def test_distance_filters_and_sorts_nearest_first(cast):
    far = make_project(cast, title="远", latitude=Decimal("30.650000"), longitude=Decimal("114.300000"))
    close = make_project(cast, title="近", latitude=Decimal("30.601000"), longitude=Decimal("114.300000"))
    make_project(cast, title="无坐标", latitude=None, longitude=None)
    found = search(cast.volunteer, near=(30.6, 114.3), radius_km=10, sort="distance")
    assert found == [close, far]
    assert search(cast.volunteer, near=(30.6, 114.3), radius_km=2) == [close]
    with_km = selectors.with_distances(found, (30.6, 114.3))
    assert 5.5 < with_km[1].distance_km < 5.7


def test_relevance_puts_title_matches_first(cast):
    in_summary = make_project(cast, title="周末活动", summary="图书整理", category="culture_sports")
    in_title = make_project(cast, title="图书馆志愿者", summary="", category="culture_sports")
    assert search(cast.volunteer, q="图书") == [in_title, in_summary]


def test_outsiders_do_not_find_drafts(cast):
    draft = make_project(cast, status="draft", title="秘密草稿")
    submitted = make_project(cast, status="submitted", title="待审项目")
    assert search(cast.volunteer, q="草稿") == []
    assert search(cast.organizer_b, q="待审") == []
    assert search(cast.organizer_a, q="草稿") == [draft]
    assert search(cast.district_staff, q="待审") == [submitted]
    assert search(cast.other_district_staff, q="待审") == []


def test_recommendations_give_their_reasons(cast):
    from django.utils import translation

    profile = VolunteerProfile.objects.get(user=cast.volunteer)
    first_aid = Skill.objects.get(code="first_aid")
    profile.skills.add(first_aid)
    VolunteerProfile.objects.filter(pk=profile.pk).update(interests=["elderly_disabled"])
    project = make_project(cast)
    shift = make_shift(cast, project)
    shift.skills.add(first_aid)
    make_project(cast, title="别处", category="legal_aid", region=cast.city.district_b)
    cast.volunteer.refresh_from_db()
    with translation.override("en"):
        found = selectors.recommendations(user=cast.volunteer)
    assert [r.shift for r in found] == [shift]
    assert "matches your skill: First aid" in found[0].reasons
    assert "matches your interest: Elderly and disabled care" in found[0].reasons
    assert any(reason.startswith("close to home") for reason in found[0].reasons)


def test_the_apis_public_count_is_kept_a_while_and_staff_count_afresh(cast, client):
    # given: one published project with the word, counted once by a visitor's search
    from django.core.cache import cache

    make_project(cast, title="图书漂流")
    assert client.get("/api/v1/projects", {"q": "图书"}).json()["count"] == 1

    # when: a second one is published, and an unpublished one is drafted
    second = make_project(cast, title="图书角整理")
    make_project(cast, status="draft", title="图书草稿")

    # then: visitors get the kept count with the fresh matches, other filters their own count,
    # staff an exact count of what they see
    answer = client.get("/api/v1/projects", {"q": "图书"}).json()
    assert answer["count"] == 1 and second.pk in [item["id"] for item in answer["items"]]
    assert client.get("/api/v1/projects", {"q": "图书", "category": "elderly_disabled"}).json()["count"] == 2
    organizer = selectors.ProjectSearch(q="图书")
    queryset = selectors.project_search(user=cast.organizer_a, search=organizer)
    assert selectors.search_count(user=cast.organizer_a, search=organizer, projects=queryset) == 3
    # and once the kept count expires, visitors count afresh
    cache.clear()
    assert client.get("/api/v1/projects", {"q": "图书"}).json()["count"] == 2
