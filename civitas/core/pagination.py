from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int = 20) -> Page:
    """A page of results; a missing, bad or too large page number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
