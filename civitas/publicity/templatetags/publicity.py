"""Tags other apps' pages use: ``{% load publicity %}``

- ``{% honors_for organization %}`` (or a project, a VolunteerProfile, a community)
- ``{% project_meta project %}`` in a page's ``head`` block: Open Graph and schema.org JSON-LD
- ``{% comments_for project %}``: the project's comments and the "Leave a reply" form
"""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from civitas.core.context_processors import site
from civitas.core.text import localized
from civitas.publicity import selectors, services
from civitas.publicity.forms import CommentForm

register = template.Library()


def json_ld(data: dict[str, Any]) -> SafeString:
    """A JSON-LD script element; <, > and & are escaped so text cannot close the script."""
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


@register.filter
def project_link(project: Any) -> str:
    """The project's page: the projects app's when it has one, else its discussion page."""
    from civitas.publicity.views import project_url

    return project_url(project)


@register.inclusion_tag("publicity/honors_for.html")
def honors_for(target: Any) -> dict[str, Any]:
    return {"honors": selectors.honors_for(target)}


@register.inclusion_tag("publicity/og_meta.html", takes_context=True)
def og_meta(context: dict[str, Any], title: str, description: str = "", image: str = "", kind: str = "website") -> dict[str, Any]:
    request = context["request"]
    return {
        "title": title, "description": strip_tags(description or "")[:200], "kind": kind,
        "url": request.build_absolute_uri(), "image": request.build_absolute_uri(image) if image else "",
        "site_name": site(request)["site_name"],
    }


def project_event_data(request: Any, project: Any) -> dict[str, Any]:
    from civitas.publicity.views import project_url

    url = request.build_absolute_uri(project_url(project))
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": localized(project, "title"),
        "description": project.summary or strip_tags(project.description or "")[:300],
        "url": url,
        "image": request.build_absolute_uri(reverse("publicity:project_card", args=[project.pk])),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "organizer": {"@type": "Organization", "name": localized(project.organization)},
        "location": {
            "@type": "Place",
            "name": project.place_name or localized(project.region),
            "address": project.address or localized(project.region),
        },
        "potentialAction": {
            "@type": "JoinAction",
            "name": "Volunteer",
            "target": url,
        },
    }
    if project.starts_on:
        data["startDate"] = project.starts_on.isoformat()
    if project.ends_on:
        data["endDate"] = project.ends_on.isoformat()
    if project.latitude is not None and project.longitude is not None:
        data["location"]["geo"] = {"@type": "GeoCoordinates", "latitude": float(project.latitude),
                                   "longitude": float(project.longitude)}
    return data


@register.simple_tag(takes_context=True)
def project_jsonld(context: dict[str, Any], project: Any) -> SafeString:
    return json_ld(project_event_data(context["request"], project))


@register.simple_tag(takes_context=True)
def project_meta(context: dict[str, Any], project: Any) -> SafeString:
    """Open Graph card and JSON-LD Event for a project page's head."""
    request = context["request"]
    og = template.loader.render_to_string(
        "publicity/og_meta.html",
        og_meta(context, localized(project, "title"), project.summary or project.description,
                reverse("publicity:project_card", args=[project.pk]), "website"),
    )
    return mark_safe(og + json_ld(project_event_data(request, project)))  # noqa: S308


@register.simple_tag(takes_context=True)
def article_jsonld(context: dict[str, Any], article: Any) -> SafeString:
    request = context["request"]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "inLanguage": "zh-Hans" if article.language == "zh-hans" else article.language,
        "datePublished": (article.publish_at or timezone.now()).isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "mainEntityOfPage": request.build_absolute_uri(reverse("publicity:article", args=[article.slug])),
        "publisher": {"@type": "Organization", "name": str(site(request)["site_name"])},
        "author": {"@type": "Organization",
                   "name": localized(article.organization) if article.organization_id else str(site(request)["site_name"])},
    }
    if article.summary:
        data["description"] = article.summary
    if article.cover_image:
        data["image"] = request.build_absolute_uri(article.cover_image.url)
    return json_ld(data)


@register.inclusion_tag("publicity/comments.html", takes_context=True)
def comments_for(context: dict[str, Any], project: Any) -> dict[str, Any]:
    request = context["request"]
    return {
        "request": request,
        "user": request.user,
        "comments": selectors.flatten_thread(selectors.visible_comments(project=project)),
        "form": CommentForm(user=request.user),
        "comment_action": reverse("publicity:project_comments", args=[project.pk]),
        "comments_open": project.status in services.COMMENTABLE_PROJECT_STATUSES,
        "csrf_token": context.get("csrf_token"),
        # Another app's page: bring the stylesheet that hides the honeypot field.
        "embedded": True,
    }


@register.inclusion_tag("publicity/organization_publicity.html")
def organization_publicity(organization: Any) -> dict[str, Any]:
    """For the organization page: its published honors, latest stories and feed links."""
    return {
        "organization": organization,
        "honors": selectors.honors_for(organization),
        "stories": list(selectors.published_articles(organization=organization).prefetch_related(None)[:3])
        if organization.status == "approved" else [],
    }


@register.filter
def article_html(body: str) -> SafeString:
    """An article body, cleaned again as it is shown: the write already cleaned it, but a
    row changed outside the services (an import, the shell, a restore) must not become a
    live script on the public site. nh3 is fast enough to run on every view."""
    return mark_safe(services.clean_article_html(body))  # noqa: S308
