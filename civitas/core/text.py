from __future__ import annotations

from typing import Any

from django.utils.translation import get_language


def is_english() -> bool:
    return (get_language() or "").startswith("en")


def localized(obj: Any, field: str = "name") -> str:
    """The English variant (``name_en``) of a bilingual field when English is active and set."""
    if is_english():
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field)
