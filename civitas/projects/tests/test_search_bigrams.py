"""Words of two Chinese characters hold no trigram: on PostgreSQL the bigram index
(``projects_project_search_bigrams``) finds the projects whose search text holds such a
word as one of its character pairs; SQLite reads every row. The results are the same."""

from __future__ import annotations

import pytest
from django.db import connection

from civitas.projects import selectors, services
from civitas.projects.models import Project
from civitas.projects.tests.conftest import make_project


def search(user, q: str) -> list[Project]:
    return list(selectors.project_search(user=user, search=selectors.ProjectSearch(q=q)))


@pytest.fixture
def elderly_and_river(cast):
    elderly = make_project(
        cast, title="夕阳红陪伴", title_en="Golden years", summary="陪伴老人，伴陪孩子", category="elderly_disabled",
        place_name="和平社区",
    )
    river = make_project(
        cast, title="河道清洁", title_en="River cleanup", summary="", category="environment", place_name="长江大堤",
    )
    return elderly, river


def test_words_of_two_chinese_characters(cast, elderly_and_river):
    elderly, river = elderly_and_river
    assert search(cast.volunteer, "陪伴") == [elderly]
    assert search(cast.volunteer, "河道") == [river]
    assert search(cast.volunteer, "大堤 清洁") == [river]
    assert search(cast.volunteer, "道河") == []


def test_longer_pinyin_latin_and_single_character_words(cast, elderly_and_river):
    elderly, river = elderly_and_river
    assert search(cast.volunteer, "夕阳红") == [elderly]
    assert search(cast.volunteer, "hedao") == [river]
    assert search(cast.volunteer, "RIVER") == [river]
    assert search(cast.volunteer, "golden 陪伴") == [elderly]
    assert search(cast.volunteer, "河") == [river]


def test_a_longer_word_whose_pairs_are_all_there_apart_is_not_found(cast, elderly_and_river):
    elderly, _river = elderly_and_river
    assert {"陪伴", "伴陪"} <= set(elderly.search_bigrams.split())
    assert search(cast.volunteer, "陪伴陪") == []


def test_changing_the_title_changes_the_pairs_it_is_found_by(cast):
    project = make_project(cast, status="draft", title="河道清洁", summary="", place_name="长江大堤", category="environment")
    services.project_update(project=project, actor=cast.organizer_a, title="图书整理")
    project.refresh_from_db()
    assert project.search_bigrams == services.search_bigrams_for(project.search_text)
    assert "图书" in project.search_bigrams.split()
    assert "河道" not in project.search_bigrams.split()
    assert search(cast.organizer_a, "图书") == [project]
    assert search(cast.organizer_a, "河道") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram index is PostgreSQL's")
def test_a_two_character_word_is_looked_up_in_the_bigram_index(cast, elderly_and_river):
    # given a table the planner would rather not read whole: many projects, none of them
    # holding the word, all of them public (so the status index does not narrow them)
    elderly, _river = elderly_and_river
    text = services.search_text_for(
        title="河道清洁", title_en="River cleanup", summary="", description_text="", category="environment",
        place_name="长江大堤", address="", beneficiary_kind="", organization_name=cast.org_a.name,
        organization_name_en="",
    )
    Project.objects.bulk_create(
        Project(
            organization=cast.org_a, region=elderly.region, title="河道清洁", category="environment",
            status=elderly.status, search_text=text, search_bigrams=services.search_bigrams_for(text),
            created_by=cast.organizer_a,
        )
        for _ in range(2000)
    )
    with connection.cursor() as cursor:
        # as VACUUM would: the new rows' pairs move from the index's pending list (which a
        # lookup reads whole) into its tree
        cursor.execute("SELECT gin_clean_pending_list('projects_project_search_bigrams')")
        cursor.execute("ANALYZE projects_project")
    # every match, as the pager counts them (the ranking reads its tiers from the same filter)
    queryset = selectors.project_search(user=cast.volunteer, search=selectors.ProjectSearch(q="陪伴")).queryset
    # when
    plan = queryset.explain()
    # then
    assert "Bitmap Index Scan on projects_project_search_bigrams" in plan, plan
    assert "string_to_array(search_bigrams, ' '::text) @> '{陪伴}'::text[]" in plan, plan
    assert list(queryset) == [elderly]
