"""The main menu. Each app lists its own entries on its AppConfig as ``nav_items``, so an
app adds itself to the menu without touching the base template."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Any  # a lazy translation
    order: int = 50
    visible: Callable[[HttpRequest], bool] | None = None
    # A URL name answering a small badge (unread messages) that htmx loads after the page,
    # so no page pays a query for it.
    badge_url: str | None = None


def signed_in(request: HttpRequest) -> bool:
    return request.user.is_authenticated


def nav_items_for(request: HttpRequest) -> list[dict[str, Any]]:
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        items.extend(getattr(config, "nav_items", ()))
    shown = []
    for item in sorted(items, key=lambda i: i.order):
        if item.visible is not None and not item.visible(request):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        shown.append({
            "url": url, "label": item.label, "active": request.path.startswith(url) and url != "/",
            "badge_url": reverse(item.badge_url) if item.badge_url else None,
        })
    return shown
