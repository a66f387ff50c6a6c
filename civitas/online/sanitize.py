"""The HTML a lesson may carry: plain formatting and links, nothing that runs."""

from __future__ import annotations

import nh3

LESSON_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "a", "code", "pre",
    "hr", "table", "thead", "tbody", "tr", "th", "td",
}


def sanitize_lesson_html(html: str) -> str:
    """Lesson text is HTML written by staff; only plain formatting survives."""
    return nh3.clean(
        html or "",
        tags=LESSON_TAGS,
        attributes={"a": {"href", "title"}, "th": {"scope"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
