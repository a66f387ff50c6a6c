"""CPU time per request through the whole WSGI stack (middleware included), measured with
process_time so a busy shared machine does not distort it. 2 cores / CPU per request is
the ceiling a 2-core server can reach before HTTP parsing and the load generator.

    CIVITAS_TESTING=1 SQLITE_PATH=var/bench.sqlite3 PYTHONPATH=. .venv/bin/python bench/cpu_per_request.py
"""

from __future__ import annotations

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civitas.settings")
django.setup()

from django.test import Client  # noqa: E402

from civitas.projects.models import Project  # noqa: E402
from civitas.publicity.models import Article, ArticleStatus, Campaign  # noqa: E402


def measure(client: Client, path: str, repeat: int = 500) -> tuple[int, float]:
    status = client.get(path).status_code
    start = time.process_time()
    for _ in range(repeat):
        client.get(path)
    return status, (time.process_time() - start) / repeat


def main() -> None:
    from django.utils import timezone

    article = Article.objects.filter(status=ArticleStatus.PUBLISHED, publish_at__lte=timezone.now()).first()
    campaign = Campaign.objects.first()
    project = Project.objects.filter(status="recruiting").first()
    paths = ["/", "/news/"]
    if article:
        paths.append(f"/news/{article.slug}/")
    if campaign:
        paths.append(f"/campaigns/{campaign.pk}/")
    if project:
        paths.append(f"/projects/{project.pk}/")
        paths.append(f"/discussion/projects/{project.pk}/")
    visitor = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    for path in paths:
        status, seconds = measure(visitor, path)
        print(f"{path:<40} {status}  {seconds * 1000:6.2f} ms CPU  → at most {2 / seconds:6.0f} req/s on 2 cores")


if __name__ == "__main__":
    sys.exit(main())
