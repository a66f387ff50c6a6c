"""A word search ranks its matches in tiers read newest first (selectors.ProjectRanking):
title, then summary, then the rest. Every order, slice and page is checked against the
ranking worked out here in Python from the projects' fields, on both engines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from civitas.projects import api, permissions, selectors, services, views
from civitas.projects.models import Project, ProjectStatus
from civitas.projects.tests.conftest import make_project, make_shift

START = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))


def search(user, **kwargs) -> list[Project]:
    return list(selectors.project_search(user=user, search=selectors.ProjectSearch(**kwargs)))


def score(project: Project, word: str) -> int:
    """Relevance as the old single query gave it: title (either language) 3, summary 2,
    anything else 1."""
    if word in project.title.lower() or word in project.title_en.lower():
        return 3
    return 2 if word in project.summary.lower() else 1


def expected(projects: list[Project], word: str) -> list[Project]:
    """The projects that hold ``word``, by relevance, newest first, then the larger id."""
    found = [p for p in projects if word in p.search_text]
    return sorted(found, key=lambda p: (-score(p, word), -p.created_at.timestamp(), -p.pk))


@pytest.fixture
def library(cast) -> list[Project]:
    """Projects holding 图书 and library in titles (some in their summaries too), only in
    summaries or only elsewhere, made at times that interleave the tiers (two of a tier at
    the same instant), plus projects that must not be found: no word, a draft."""
    kinds = [
        {"title": "图书馆志愿服务", "title_en": "Library helpers", "summary": "图书馆 library 书架整理"},
        {"title": "周末活动", "title_en": "Weekend LIBRARY day", "summary": "图书整理"},
        {"title": "周末活动", "title_en": "Weekend", "summary": "图书馆 library 整理"},
        {"title": "社区服务", "title_en": "Community help", "summary": "陪伴老人", "place_name": "图书馆"},
    ]
    made = []
    for index in range(14):
        at = START + dt.timedelta(hours=index if index != 8 else 4)  # 4 and 8 (same tier) at the same time
        with time_machine.travel(at, tick=False):
            made.append(make_project(cast, category="culture_sports", **kinds[(index * 3) % 4]))
    with time_machine.travel(START + dt.timedelta(days=1), tick=False):
        make_project(cast, title="河道清洁", title_en="River cleanup", summary="", place_name="长江大堤",
                     category="environment")
        make_project(cast, status="draft", title="图书草稿", title_en="Library draft")
    return made


@pytest.mark.parametrize("word", ["图书", "library", "LIBRARY", "图书馆"])
def test_title_matches_then_summary_matches_then_the_rest_newest_first(cast, library, word):
    found = search(cast.volunteer, q=word)
    assert found == expected(library, word.lower())
    assert len({score(p, word.lower()) for p in found}) > 1


@pytest.mark.parametrize("word", ["图书", "library"])
def test_every_slice_is_that_slice_of_the_whole_ranking(cast, library, word):
    ranking = selectors.project_search(user=cast.volunteer, search=selectors.ProjectSearch(q=word))
    whole = expected(library, word)
    assert list(ranking) == whole
    for start in range(len(whole) + 2):
        for stop in range(start, len(whole) + 3):
            assert ranking[start:stop] == whole[start:stop], (start, stop)


@pytest.mark.parametrize("per_page", [1, 3, 4, 5])
def test_pages_cover_the_ranking_once_in_order(cast, library, per_page):
    ranking = selectors.project_search(user=cast.volunteer, search=selectors.ProjectSearch(q="图书"))
    paginator = Paginator(ranking, per_page)
    pages = [project for number in paginator.page_range for project in paginator.page(number)]
    assert paginator.count == len(expected(library, "图书")) > per_page
    assert pages == expected(library, "图书")


def test_other_words_and_filters_hold_in_every_tier(cast, library):
    elsewhere = make_project(cast, title="图书馆志愿服务", title_en="Library helpers", category="health")
    assert search(cast.volunteer, q="图书", category="culture_sports") == expected(library, "图书")
    assert search(cast.volunteer, q="图书", category="health") == [elsewhere]
    # the second word narrows the title and summary tiers too
    found = search(cast.volunteer, q="library 书架")
    assert found == [p for p in expected(library, "library") if "书架" in p.summary]
    assert found and all(p.title == "图书馆志愿服务" for p in found)
    assert search(cast.volunteer, q="图书 河道") == []
    assert search(cast.organizer_a, q="图书 草稿")[0].status == "draft"


def test_open_only_near_and_date_sort_keep_the_word(cast, library):
    with_place = library[3]
    make_shift(cast, with_place)
    assert search(cast.volunteer, q="图书", open_only=True) == [with_place]
    far = make_project(cast, title="图书角", title_en="", latitude=Decimal("31.2"), longitude=Decimal("121.4"))
    unplaced = make_project(cast, title="图书角", title_en="", latitude=None, longitude=None)
    assert search(cast.volunteer, q="图书", near=(31.2, 121.4), radius_km=5) == [far]
    by_date = search(cast.volunteer, q="图书", sort="date")
    assert {p.pk for p in by_date} == {p.pk for p in expected([*library, far, unplaced], "图书")}
    assert search(cast.volunteer, q="图书", located=True) == expected([*library, far], "图书")


def test_api_pages_follow_the_ranking(cast, library, client, monkeypatch):
    monkeypatch.setattr(api, "PAGE_SIZE", 4)
    whole = [p.pk for p in expected(library, "library")]
    pages = []
    for page in (1, 2, 3, 4, 5):
        body = client.get("/api/v1/projects", {"q": "library", "page": page}).json()
        assert body["count"] == len(whole)
        pages += [item["id"] for item in body["items"]]
    assert pages == whole


def test_list_page_shows_the_ranking_and_counts_to_its_limit(cast, library, monkeypatch):
    client = cast.client_for(None)
    page = client.get("/projects/", {"q": "图书"}).context["page"]
    assert list(page.object_list) == expected(library, "图书")
    assert page.paginator.count == len(library) and not page.paginator.is_capped
    monkeypatch.setattr(views, "LIST_COUNT_LIMIT", 5)
    response = client.get("/projects/", {"q": "图书"})
    assert response.context["page"].paginator.is_capped
    assert "5+ 个项目" in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
def test_a_rare_tier_is_looked_up_and_a_common_one_read_newest_first(cast, library):
    # given many public projects, none with the word in its title
    text = services.search_text_for(
        title="社区服务", title_en="Community help", summary="图书角", description_text="", category="community",
        place_name="", address="", beneficiary_kind="", organization_name=cast.org_a.name, organization_name_en="",
    )
    Project.objects.bulk_create(
        Project(
            organization=cast.org_a, region=library[0].region, title="社区服务", title_en="Community help",
            summary="图书角", category="community", status=library[0].status, search_text=text,
            search_bigrams=services.search_bigrams_for(text), created_by=cast.organizer_a,
            created_at=START - dt.timedelta(minutes=minutes),
        )
        for minutes in range(3000)
    )
    with connection.cursor() as cursor:
        for index in ("search_bigrams", "title_pairs", "summary_pairs"):
            cursor.execute(f"SELECT gin_clean_pending_list('projects_project_{index}')")
        cursor.execute("ANALYZE projects_project")
    ranking = selectors.project_search(user=AnonymousUser(), search=selectors.ProjectSearch(q="图书"))
    # when
    title_plan = ranking.tiers[0][:20].explain()
    summary_plan = ranking.tiers[1][:20].explain()
    # then
    assert "projects_project_title_pairs" in title_plan, title_plan
    assert "Index Scan Backward using project_created_idx" in summary_plan, summary_plan
    assert ranking[:20] == expected([*library, *Project.objects.filter(summary="图书角")], "图书")[:20]


def test_visitors_find_the_public_statuses_and_no_other(cast):
    # given a project in every status (the search names the hidden ones)
    made = {}
    for status in ProjectStatus:
        project = make_project(cast, status="draft", title=f"图书{status}")
        Project.objects.filter(pk=project.pk).update(status=status)
        made[status] = project.pk
    # when
    found = {p.pk for p in search(AnonymousUser(), q="图书")}
    # then
    assert found == {made[status] for status in permissions.PUBLIC_STATUSES}


def test_a_status_outside_the_choices_is_refused(cast):
    project = make_project(cast, status="draft")
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(status="archived")
