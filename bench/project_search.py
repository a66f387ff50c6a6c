"""Project search in a seeded database, in process: for each word, the search page's
part (``project_search`` and the pager: one page of rows and the count it shows) and
``GET /api/v1/projects?q=`` (through the whole middleware stack), as a visitor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civitas_search_bench \\
        .venv/bin/python bench/project_search.py --runs 50
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civitas.settings")

# Two-character Chinese words (one that matches every seeded project: each is for 社区居民),
# pinyin, and a Latin word.
WORDS = ["助老", "社区", "环保", "yanglao", "library"]


def percentile(timings: list[float], share: float) -> float:
    ordered = sorted(timings)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--words", default=",".join(WORDS))
    args = parser.parse_args()
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test import Client, RequestFactory

    from civitas.core.pagination import paginate
    from civitas.projects import selectors, views
    from civitas.projects.models import Project

    visitor = AnonymousUser()
    client = Client(HTTP_HOST="localhost")

    def page(word: str) -> int:
        request = RequestFactory().get("/projects/", {"q": word})
        search = selectors.ProjectSearch(q=word)
        queryset = selectors.project_search(user=visitor, search=search)
        # as the list page pages it (older code: no count limit)
        limit = getattr(views, "LIST_COUNT_LIMIT", None)
        shown = paginate(request, queryset, count_limit=limit) if limit else paginate(request, queryset)
        list(shown.object_list)
        return shown.paginator.count

    def api(word: str) -> int:
        response = client.get("/api/v1/projects", {"q": word})
        assert response.status_code == 200, response.status_code
        return response.json()["count"]

    print(f"{connection.vendor}; {Project.objects.count():,} projects; load {os.getloadavg()[0]:.1f}")
    print("| word | page: count shown | page p50 ms | page p95 ms | API count | API p50 ms | API p95 ms |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for word in args.words.split(","):
        figures: list[str] = []
        for measure in (page, api):
            count = measure(word)  # warm up
            timings = []
            for _ in range(args.runs):
                started = time.perf_counter()
                measure(word)
                timings.append(time.perf_counter() - started)
            figures += [f"{count:,}", f"{percentile(timings, 0.5):.1f}", f"{percentile(timings, 0.95):.1f}"]
        print(f"| {word} | {' | '.join(figures)} |", flush=True)
    print(f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
