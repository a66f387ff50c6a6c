from __future__ import annotations

from typing import Any

from django import template
from django.utils.http import urlencode

from civitas.core.navigation import nav_items_for
from civitas.core.text import localized

register = template.Library()


@register.inclusion_tag("core/nav.html", takes_context=True)
def main_nav(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    return {"items": nav_items_for(request), "user": request.user, "request": request}


@register.filter
def local(obj: Any, field: str = "name") -> str:
    """``{{ region|local }}`` shows the English name in English when there is one."""
    if obj is None:
        return ""
    return localized(obj, field)


@register.filter
def form_sections(form: Any) -> list[tuple[Any, list[Any]]]:
    """A form's visible fields grouped as its ``sections`` say: ``[(title, [names])]``."""
    placed: set[str] = set()
    groups = []
    for title, names in form.sections:
        fields = [form[name] for name in names if name in form.fields]
        placed.update(names)
        groups.append((title, fields))
    rest = [field for field in form.visible_fields() if field.name not in placed]
    if rest and groups:
        groups[-1][1].extend(rest)
    return groups


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return "?" + urlencode(params, doseq=True)
