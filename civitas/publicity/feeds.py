"""RSS and Atom feeds of published articles: all news, and each organization's stories.
Items carry the organization or the site as author, never a person's address."""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from civitas.core.context_processors import site
from civitas.organizations.models import Organization, OrganizationStatus
from civitas.publicity import selectors
from civitas.publicity.models import Article

FEED_SIZE = 30


class NewsFeed(Feed):
    def title(self) -> str:
        return _("%(site)s: news and stories") % {"site": site(None)["site_name"]}  # type: ignore[arg-type]

    def link(self) -> str:
        return reverse("publicity:articles")

    def description(self) -> str:
        return _("News, notices and volunteer stories.")

    def items(self) -> Any:
        return selectors.published_articles()[:FEED_SIZE]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.summary or item.body

    def item_link(self, item: Article) -> str:
        return reverse("publicity:article", args=[item.slug])

    def item_pubdate(self, item: Article) -> Any:
        return item.publish_at

    def item_updateddate(self, item: Article) -> Any:
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return str(item.organization) if item.organization_id else str(site(None)["site_name"])  # type: ignore[arg-type]

    def item_categories(self, item: Article) -> list[str]:
        return [tag.name for tag in item.tags.all()]


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed

    def subtitle(self) -> str:
        return self.description()


class OrganizationFeed(NewsFeed):
    def get_object(self, request: HttpRequest, pk: int) -> Organization:  # type: ignore[override]
        return get_object_or_404(Organization, pk=pk, status=OrganizationStatus.APPROVED)

    def title(self, obj: Organization) -> str:  # type: ignore[override]
        return _("Stories of %(organization)s") % {"organization": obj}

    def link(self, obj: Organization) -> str:  # type: ignore[override]
        return reverse("organizations:detail", args=[obj.pk])

    def description(self, obj: Organization | None = None) -> str:  # type: ignore[override]
        return _("Stories published by this organization.")

    def items(self, obj: Organization) -> Any:  # type: ignore[override]
        return selectors.published_articles(organization=obj)[:FEED_SIZE]


class AtomOrganizationFeed(OrganizationFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Organization) -> str:
        return self.description(obj)
