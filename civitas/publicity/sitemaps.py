from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from civitas.organizations.models import Organization, OrganizationStatus
from civitas.projects.models import Project
from civitas.publicity import selectors
from civitas.publicity.models import Article, Campaign
from civitas.publicity.services import PUBLIC_PROJECT_STATUSES


class StaticSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self) -> list[str]:
        return ["publicity:home", "publicity:articles", "publicity:honors", "publicity:campaigns", "organizations:list"]

    def location(self, item: str) -> str:
        return reverse(item)


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self) -> Any:
        return selectors.published_articles().select_related(None).prefetch_related(None).only("slug", "updated_at", "publish_at")

    def location(self, item: Article) -> str:
        return reverse("publicity:article", args=[item.slug])

    def lastmod(self, item: Article) -> Any:
        return item.updated_at


class OrganizationSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self) -> Any:
        return Organization.objects.filter(status=OrganizationStatus.APPROVED).only("id").order_by("id")

    def location(self, item: Organization) -> str:
        return reverse("organizations:detail", args=[item.pk])


class ProjectSitemap(Sitemap):
    changefreq = "daily"
    limit = 5000

    def items(self) -> Any:
        return Project.objects.filter(status__in=PUBLIC_PROJECT_STATUSES).only("id", "updated_at").order_by("id")

    def location(self, item: Project) -> str:
        from civitas.publicity.views import project_url

        return project_url(item)

    def lastmod(self, item: Project) -> Any:
        return item.updated_at


class CampaignSitemap(Sitemap):
    changefreq = "daily"

    def items(self) -> Any:
        return Campaign.objects.only("id").order_by("id")

    def location(self, item: Campaign) -> str:
        return reverse("publicity:campaign", args=[item.pk])


SITEMAPS = {
    "pages": StaticSitemap,
    "articles": ArticleSitemap,
    "organizations": OrganizationSitemap,
    "projects": ProjectSitemap,
    "campaigns": CampaignSitemap,
}
