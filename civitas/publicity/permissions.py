"""Who may write, review and moderate on the public site."""

from __future__ import annotations

from typing import Any

from civitas.organizations.models import Organization, RegionLevel
from civitas.organizations.permissions import (
    can_govern_region,
    can_manage_organization,
    can_read_region,
    is_auditor,
    is_city_staff,
    is_committee_staff,
    staff_roles_by_organization,
    watched_region,
)
from civitas.publicity.models import Article, ArticleStatus, Comment, Honor


def can_write_articles(user: Any) -> bool:
    """Committee staff write news and notices; organization staff write stories."""
    return is_committee_staff(user) or bool(staff_roles_by_organization(user))


def can_publish_directly(user: Any) -> bool:
    return is_committee_staff(user)


def _article_region(article: Article) -> Any:
    if article.organization_id:
        return article.organization.region
    return article.region


def can_edit_article(user: Any, article: Article) -> bool:
    if article.organization_id and can_manage_organization(user, article.organization):
        return article.status in (ArticleStatus.DRAFT, ArticleStatus.RETURNED, ArticleStatus.WITHDRAWN)
    return can_review_article(user, article)


def can_review_article(user: Any, article: Article) -> bool:
    """Committee staff over the article's region (the whole city for city-wide news)."""
    region = _article_region(article)
    if region is None:
        return is_city_staff(user)
    return can_govern_region(user, region)


def can_read_unpublished(user: Any, article: Article) -> bool:
    """Auditors read every article of their region, drafts and waiting stories too (a
    city-wide one: the city's auditors), and change none."""
    if not is_auditor(user):
        return False
    region = _article_region(article)
    if region is None:
        watched = watched_region(user)
        return bool(watched and watched.level == RegionLevel.CITY)
    return can_read_region(user, region)


def can_view_article(user: Any, article: Article) -> bool:
    """Published for everyone; unpublished for its writers (a waiting story too, which
    they may no longer change), its reviewers and the auditors over it."""
    if article.is_public or can_review_article(user, article) or can_read_unpublished(user, article):
        return True
    if article.organization_id:
        return can_manage_organization(user, article.organization)
    return False


def can_moderate_comments(user: Any) -> bool:
    """Opens the moderation queue; which comments are in it depends on the region."""
    return is_committee_staff(user)


def comment_region(comment: Comment) -> Any:
    """The region of the article or project commented on (None: city-wide news)."""
    return _article_region(comment.article) if comment.article_id else comment.project.region


def can_moderate_comment(user: Any, comment: Comment) -> bool:
    """Committee staff over the region of the article or project commented on."""
    region = comment_region(comment)
    if region is None:
        return is_city_staff(user)
    return can_govern_region(user, region)


def can_edit_sensitive_words(user: Any) -> bool:
    return is_committee_staff(user)


def can_nominate(user: Any, organization: Organization | None) -> bool:
    if organization is not None:
        return can_manage_organization(user, organization) or can_govern_region(user, organization.region)
    return is_committee_staff(user)


def can_review_honor(user: Any, honor: Honor) -> bool:
    return can_govern_region(user, honor.region)


def can_manage_campaigns(user: Any) -> bool:
    return is_city_staff(user)
