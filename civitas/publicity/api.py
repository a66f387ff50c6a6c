"""Public API of the publicity side. No schema here has an email field: commenters'
addresses never leave the moderation queue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from civitas.core.api import ErrorOut, Page, current_user
from civitas.core.ratelimit import client_ip
from civitas.publicity import selectors, services
from civitas.publicity.models import Article, ArticleKind, Campaign, Comment

router = Router(tags=["publicity"])
PAGE_SIZE = 20


class ArticleOut(Schema):
    slug: str
    kind: str
    language: str
    title: str
    summary: str
    tags: list[str]
    organization_id: int | None
    region_id: int | None
    project_id: int | None
    cover_image: str | None
    publish_at: dt.datetime | None
    allow_comments: bool

    @staticmethod
    def resolve_tags(obj: Article) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_cover_image(obj: Article) -> str | None:
        return obj.cover_image.url if obj.cover_image else None


class ArticleDetailOut(ArticleOut):
    body: str


class ArticleFilter(Schema):
    kind: ArticleKind | None = None
    tag: str = Field("", max_length=40)
    organization: int | None = None
    page: int = Field(1, ge=1, le=100_000)


@router.get("/articles", response=Page[ArticleOut], auth=None)
def articles(request: HttpRequest, filters: Query[ArticleFilter]):  # type: ignore[no-untyped-def]
    queryset = selectors.published_articles(kind=filters.kind or "", tag=filters.tag)
    if filters.organization:
        queryset = queryset.filter(organization_id=filters.organization)
    start = (filters.page - 1) * PAGE_SIZE
    return {"items": list(queryset[start : start + PAGE_SIZE]), "count": queryset.count()}


@router.get("/articles/{slug}", response={200: ArticleDetailOut, 404: ErrorOut}, auth=None)
def article(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    return selectors.get_article_for_user(current_user(request), slug)


class CommentOut(Schema):
    id: int
    parent_id: int | None
    name: str
    text: str
    created_at: dt.datetime


class CommentPostedOut(CommentOut):
    status: str
    is_published: bool

    @staticmethod
    def resolve_is_published(obj: Comment) -> bool:
        return obj.is_visible


class CommentIn(Schema):
    name: str = Field(..., max_length=60)
    email: str = Field(..., max_length=254)
    text: str = Field(..., max_length=3000)
    parent: int | None = None
    website: str = Field("", max_length=200, description="Leave empty (a trap for robots).")


def _public_article(slug: str) -> Article:
    found = Article.objects.filter(slug=slug).first()
    if found is None or not found.is_public:
        raise Http404
    return found


@router.get("/articles/{slug}/comments", response={200: Page[CommentOut], 404: ErrorOut}, auth=None)
def article_comments(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    items = selectors.flatten_thread(selectors.visible_comments(article=_public_article(slug)))
    return {"items": items, "count": len(items)}


@router.post(
    "/articles/{slug}/comments",
    response={201: CommentPostedOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
)
def post_article_comment(request: HttpRequest, slug: str, payload: CommentIn):  # type: ignore[no-untyped-def]
    target = _public_article(slug)
    parent = Comment.objects.filter(pk=payload.parent).first() if payload.parent else None
    if payload.parent and parent is None:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        raise ValidationError({"parent": [_("The comment you reply to is gone.")]})
    # Only a bearer token names the commenter: a session cookie could be riding a
    # cross-site post, and this endpoint takes no CSRF token.
    bearer = request.headers.get("Authorization", "").lower().startswith("bearer ")
    comment = services.comment_post(
        article=target, parent=parent, name=payload.name, email=payload.email, text=payload.text,
        user=current_user(request) if bearer else None, ip=client_ip(request), honeypot=payload.website,
    )
    return 201, comment


class LeaderOrganizationOut(Schema):
    organization_id: int
    name: str
    name_en: str
    hours: Decimal
    people: int


class LeaderDistrictOut(Schema):
    region_id: int
    name: str
    name_en: str
    hours: Decimal


class CampaignOut(Schema):
    id: int
    title: str
    title_en: str
    summary: str
    summary_en: str
    starts_on: dt.date
    ends_on: dt.date
    project_ids: list[int]
    projects: int
    signed_up: int
    attended: int
    hours: Decimal
    organizations: list[LeaderOrganizationOut]
    districts: list[LeaderDistrictOut]


@router.get("/campaigns/{campaign_id}", response={200: CampaignOut, 404: ErrorOut}, auth=None)
def campaign(request: HttpRequest, campaign_id: int):  # type: ignore[no-untyped-def]
    found = get_object_or_404(Campaign, pk=campaign_id)
    figures = selectors.campaign_figures(found)
    return {
        "id": found.pk, "title": found.title, "title_en": found.title_en, "summary": found.summary,
        "summary_en": found.summary_en, "starts_on": found.starts_on, "ends_on": found.ends_on,
        "project_ids": list(selectors.campaign_projects(found).values_list("id", flat=True)),
        **{k: figures[k] for k in ("projects", "signed_up", "attended", "hours", "organizations", "districts")},
    }
