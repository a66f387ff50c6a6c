"""The public project page's cache version (core.pagecache).

Visitors without a session get a project's page from the cache. Whatever the page shows
retires its version: the services of this app that change a project, its shifts or their
places; the organization's name and status (events); the comments and honors publicity
shows on it (publicity's services). ``PROJECT_PAGE_CACHE_SECONDS`` (settings.CIVITAS) is
the backstop, so free places shown to visitors lag by at most that long.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from civitas.core.pagecache import page_version, page_versions_retire
from civitas.projects.models import Project


def _name(project_id: int) -> str:
    return f"projects:page:{project_id}"


def project_page_version(project_id: int) -> str:
    return page_version(_name(project_id))


def project_page_ttl() -> int:
    return int(settings.CIVITAS.get("PROJECT_PAGE_CACHE_SECONDS", 30))


def project_page_changed(*project_ids: int) -> None:
    page_versions_retire(*(_name(pk) for pk in project_ids))


def organization_changed(event: str = "", *, organization_id: int, **payload: Any) -> None:
    """Event handler (organization.decided, organization.updated): every project page
    names its organization. One query for the ids, one cache call for the pages."""
    project_page_changed(*Project.objects.filter(organization_id=organization_id).values_list("pk", flat=True))
