from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


class CappedPaginator(Paginator):
    """Counts no further than ``limit`` rows, in a query that stops there and leaves the
    ordering out: a search that matches much of the city costs its page and at most
    ``limit`` rows more, not a count of every match. The pages end at the limit;
    ``is_capped`` says there are more ("1,000+"). ``object_list`` is a QuerySet or a
    sequence that names the QuerySet of its rows as ``queryset`` (a search read in tiers,
    ``projects.selectors.ProjectRanking``)."""

    def __init__(self, object_list: Any, per_page: int, *, limit: int) -> None:
        super().__init__(object_list, per_page)
        self.queryset: QuerySet = getattr(object_list, "queryset", object_list)
        self.limit = limit

    @cached_property
    def _found(self) -> int:
        return self.queryset.order_by()[: self.limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._found, self.limit)

    @property
    def is_capped(self) -> bool:
        return self._found > self.limit


def paginate(request: HttpRequest, queryset: Any, per_page: int = 20, *, count_limit: int | None = None) -> Page:
    """A page of results; a missing, bad or too large page number gives the nearest page.
    With ``count_limit`` the count stops there (see ``CappedPaginator``)."""
    if count_limit is None:
        return Paginator(queryset, per_page).get_page(request.GET.get("page"))
    return CappedPaginator(queryset, per_page, limit=count_limit).get_page(request.GET.get("page"))
