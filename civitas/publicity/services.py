"""Writes for articles, honors, campaigns and comments."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from typing import Any

import nh3
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from civitas.accounts.audit import audit
from civitas.core import ratelimit
from civitas.core.errors import Conflict, RateLimited
from civitas.core.events import publish
from civitas.organizations.models import Organization, OrganizationStatus, Region
from civitas.projects.cache import project_page_changed
from civitas.publicity import permissions
from civitas.publicity.cache import home_invalidate
from civitas.publicity.conf import publicity_setting
from civitas.publicity.models import (
    Article,
    ArticleKind,
    ArticleStatus,
    Campaign,
    Comment,
    CommentReport,
    CommentStatus,
    HeldReason,
    Honor,
    HonorCategory,
    HonorStatus,
    PublicityEvent,
    SensitiveWord,
    Tag,
)

# --- Article HTML ------------------------------------------------------------------------

ARTICLE_TAGS = {"p", "br", "h2", "h3", "h4", "strong", "em", "a", "ul", "ol", "li", "blockquote", "img"}
ARTICLE_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}}


def clean_article_html(raw: str) -> str:
    """The editor's output, reduced to the tags an article may use. Scripts, styles, event
    handlers and javascript: links do not survive; every link gets rel="noopener"."""
    return nh3.clean(
        raw or "",
        tags=ARTICLE_TAGS,
        attributes=ARTICLE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener",
        clean_content_tags={"script", "style"},
        strip_comments=True,
    ).strip()


def plain_text(raw: str) -> str:
    """Text with any markup taken out (comments and names are plain text)."""
    text = raw or ""
    # Unescaping can reveal markup typed as entities (&lt;script&gt;); clean until it stops changing.
    for _round in range(3):
        cleaned = html.unescape(nh3.clean(text, tags=set(), clean_content_tags={"script", "style"}))
        if cleaned == text:
            break
        text = cleaned
    return text.strip()


COVER_FORMATS = {"JPEG", "PNG", "WEBP"}
COVER_MAX_BYTES = 5 * 1024 * 1024
COVER_MAX_PIXELS = 6000


def check_cover_image(upload: Any) -> None:
    """A cover must really be a JPEG, PNG or WebP picture of sensible size."""
    if upload is None:
        return
    if getattr(upload, "size", 0) > COVER_MAX_BYTES:
        raise ValidationError({"cover_image": [_("The picture is larger than 5 MB.")]})
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError({"cover_image": [_("This file is not a picture we can read.")]}) from None
    finally:
        upload.seek(0)
    if kind not in COVER_FORMATS:
        raise ValidationError({"cover_image": [_("Use a JPEG, PNG or WebP picture.")]})
    if width > COVER_MAX_PIXELS or height > COVER_MAX_PIXELS or width < 200 or height < 100:
        raise ValidationError({"cover_image": [_("The picture should be between 200×100 and 6000×6000 pixels.")]})


def _tags_from(text_or_list: Any) -> list[Tag]:
    if isinstance(text_or_list, str):
        names = re.split(r"[,，、]", text_or_list)
    else:
        names = list(text_or_list or [])
    tags = []
    for name in dict.fromkeys(n.strip()[:40] for n in names if n and n.strip()):
        slug = slugify(name, allow_unicode=True)[:40] or name[:40]
        tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
        tags.append(tag)
    return tags


def _unique_slug(title: str) -> str:
    base = slugify(title, allow_unicode=True)[:60].strip("-") or "article"
    slug = base
    while Article.objects.filter(slug=slug).exists():
        slug = f"{base}-{get_random_string(5, 'abcdefghijkmnpqrstuvwxyz23456789')}"
    return slug


def _event(*, actor: Any, action: str, from_status: str = "", to_status: str = "", reason: str = "", **target: Any) -> None:
    PublicityEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None, action=action,
        from_status=from_status, to_status=to_status, reason=reason, **target,
    )


def _validate_article(
    *, title: str, body: str, kind: str, language: str, summary: str, organization: Organization | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give the article a title.")]
    elif len(title) > 150:
        errors["title"] = [_("Keep the title to 150 characters.")]
    if len(summary) > 300:
        errors["summary"] = [_("Keep the summary to 300 characters.")]
    if not plain_text(body):
        errors["body"] = [_("Write the text of the article.")]
    if kind not in ArticleKind.values:
        errors["kind"] = [_("Choose news, notice or story.")]
    if language not in {code for code, _name in settings.LANGUAGES}:
        errors["language"] = [_("Choose the language the article is written in.")]
    if organization is not None and organization.status != OrganizationStatus.APPROVED:
        errors["organization"] = [_("Only an approved organization can post stories.")]
    return errors


@transaction.atomic
def article_create(
    *,
    author: Any,
    title: str,
    body: str,
    kind: str = ArticleKind.NEWS,
    language: str = "zh-hans",
    summary: str = "",
    tags: Any = "",
    region: Region | None = None,
    organization: Organization | None = None,
    project: Any = None,
    cover_image: Any = None,
    publish_at: dt.datetime | None = None,
    allow_comments: bool = True,
) -> Article:
    """A draft. Organization staff write stories of their own organization; committee
    staff write anything in their region."""
    if organization is not None:
        if not permissions.can_nominate(author, organization):
            raise PermissionDenied(_("You do not run this organization."))
        kind = ArticleKind.STORY
    elif not permissions.can_publish_directly(author):
        raise PermissionDenied(_("Only committee staff write news and notices."))
    if project is not None and organization is not None and project.organization_id != organization.pk:
        raise ValidationError({"project": [_("The project belongs to another organization.")]})
    errors = _validate_article(
        title=title or "", body=body or "", kind=kind, language=language, summary=summary or "", organization=organization
    )
    if errors:
        raise ValidationError(errors)
    check_cover_image(cover_image)
    article = Article.objects.create(
        slug=_unique_slug(title),
        kind=kind,
        language=language,
        title=title.strip(),
        summary=plain_text(summary),
        body=clean_article_html(body),
        region=region if organization is None else organization.region,
        organization=organization,
        project=project,
        publish_at=publish_at,
        allow_comments=allow_comments,
        author=author,
    )
    if cover_image:
        article.cover_image.save(cover_image.name, cover_image, save=True)
    article.tags.set(_tags_from(tags))
    _event(article=article, actor=author, action="create", to_status=article.status)
    return article


@transaction.atomic
def article_update(*, article: Article, actor: Any, **fields: Any) -> Article:
    article = Article.objects.select_for_update(of=("self",)).select_related("organization__region", "region").get(pk=article.pk)
    if not permissions.can_edit_article(actor, article):
        raise PermissionDenied(_("You may not change this article."))
    title = fields.get("title", article.title) or ""
    body = fields.get("body", article.body) or ""
    summary = fields.get("summary", article.summary) or ""
    kind = article.kind if article.organization_id else fields.get("kind", article.kind)
    language = fields.get("language", article.language)
    errors = _validate_article(
        title=title, body=body, kind=kind, language=language, summary=summary, organization=article.organization
    )
    project = fields.get("project", article.project)
    if project is not None and article.organization_id and project.organization_id != article.organization_id:
        errors["project"] = [_("The project belongs to another organization.")]
    if errors:
        raise ValidationError(errors)
    cover_image = fields.get("cover_image")
    check_cover_image(cover_image)
    article.title = title.strip()
    article.body = clean_article_html(body)
    article.summary = plain_text(summary)
    article.kind = kind
    article.language = language
    if "publish_at" in fields:
        article.publish_at = fields["publish_at"]
    if "allow_comments" in fields:
        article.allow_comments = bool(fields["allow_comments"])
    if "region" in fields and article.organization_id is None:
        article.region = fields["region"]
    article.project = project
    article.save()
    if cover_image:
        article.cover_image.save(cover_image.name, cover_image, save=True)
    if "tags" in fields:
        article.tags.set(_tags_from(fields["tags"]))
    if article.status == ArticleStatus.PUBLISHED:
        transaction.on_commit(home_invalidate)
    _event(article=article, actor=actor, action="edit", from_status=article.status, to_status=article.status)
    return article


def _article_move(article: Article, actor: Any, action: str, to_status: str, reason: str = "") -> Article:
    from_status = article.status
    article.status = to_status
    article.save(update_fields=["status", "publish_at", "updated_at"])
    _event(article=article, actor=actor, action=action, from_status=from_status, to_status=to_status, reason=reason)
    transaction.on_commit(home_invalidate)
    return article


@transaction.atomic
def article_submit(*, article: Article, actor: Any) -> Article:
    """An organization's story goes to the committee for approval."""
    article = Article.objects.select_for_update(of=("self",)).select_related("organization__region", "region").get(pk=article.pk)
    if not permissions.can_edit_article(actor, article):
        raise PermissionDenied(_("You may not change this article."))
    if article.status not in (ArticleStatus.DRAFT, ArticleStatus.RETURNED, ArticleStatus.WITHDRAWN):
        raise Conflict(_("This article is already submitted or published."), code="article_state")
    return _article_move(article, actor, "submit", ArticleStatus.SUBMITTED)


@transaction.atomic
def article_publish(*, article: Article, actor: Any, publish_at: dt.datetime | None = None) -> Article:
    """Committee staff publish news, or approve a story; ``publish_at`` in the future
    schedules it (public lists show it from then on)."""
    article = Article.objects.select_for_update(of=("self",)).select_related("organization__region", "region").get(pk=article.pk)
    if not permissions.can_review_article(actor, article):
        raise PermissionDenied(_("Only committee staff of the region publish articles."))
    if article.status == ArticleStatus.PUBLISHED:
        raise Conflict(_("This article is already published."), code="article_state")
    article.publish_at = publish_at or article.publish_at or timezone.now()
    action = "approve" if article.status == ArticleStatus.SUBMITTED else "publish"
    if action == "approve":
        audit(actor=actor, action="article.approve", target=article,
              details={"publish_at": article.publish_at.isoformat()})
    return _article_move(article, actor, action, ArticleStatus.PUBLISHED)


@transaction.atomic
def article_return(*, article: Article, actor: Any, reason: str) -> Article:
    article = Article.objects.select_for_update(of=("self",)).select_related("organization__region", "region").get(pk=article.pk)
    if not permissions.can_review_article(actor, article):
        raise PermissionDenied(_("Only committee staff of the region review stories."))
    if article.status != ArticleStatus.SUBMITTED:
        raise Conflict(_("Only a submitted story can be returned."), code="article_state")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say what should change.")]})
    audit(actor=actor, action="article.return", target=article, details={"reason": reason.strip()})
    return _article_move(article, actor, "return", ArticleStatus.RETURNED, reason.strip())


@transaction.atomic
def article_withdraw(*, article: Article, actor: Any, reason: str = "") -> Article:
    article = Article.objects.select_for_update(of=("self",)).select_related("organization__region", "region").get(pk=article.pk)
    if not permissions.can_review_article(actor, article):
        raise PermissionDenied(_("Only committee staff of the region withdraw articles."))
    if article.status != ArticleStatus.PUBLISHED:
        raise Conflict(_("Only a published article can be withdrawn."), code="article_state")
    return _article_move(article, actor, "withdraw", ArticleStatus.WITHDRAWN, reason)


# --- Honors -------------------------------------------------------------------------------


@transaction.atomic
def honor_nominate(
    *,
    nominated_by: Any,
    year: int,
    category: str,
    citation: str,
    citation_en: str = "",
    volunteer: Any = None,
    organization: Organization | None = None,
    project: Any = None,
    community: Region | None = None,
    nominating_organization: Organization | None = None,
) -> Honor:
    errors: dict[str, list[str]] = {}
    if category not in HonorCategory.values:
        errors["category"] = [_("Choose an award.")]
    targets = {
        HonorCategory.VOLUNTEER: ("volunteer", volunteer),
        HonorCategory.ORGANIZATION: ("organization", organization),
        HonorCategory.PROJECT: ("project", project),
        HonorCategory.COMMUNITY: ("community", community),
    }
    field, target = targets.get(category, ("category", None))
    if category in HonorCategory.values and target is None:
        errors[field] = [_("Name who or what is nominated.")]
    if not (citation or "").strip():
        errors["citation"] = [_("Write why they deserve the award.")]
    this_year = timezone.localdate().year
    if not (this_year - 1 <= int(year or 0) <= this_year):
        errors["year"] = [_("Nominate for this year or last year.")]
    if category == HonorCategory.COMMUNITY and community is not None and community.level != "community":
        errors["community"] = [_("Choose a community.")]
    if errors:
        raise ValidationError(errors)
    if category == HonorCategory.VOLUNTEER:
        profile = getattr(volunteer, "volunteer", None)
        region = profile.home_community if profile and profile.home_community_id else None
        region = region or (nominating_organization.region if nominating_organization else None)
    elif category == HonorCategory.ORGANIZATION:
        region = organization.region
    elif category == HonorCategory.PROJECT:
        region = project.region
    else:
        region = community
    if region is None:
        raise ValidationError({"volunteer": [_("This volunteer has no home community; nominate through an organization.")]})
    if not (permissions.can_nominate(nominated_by, nominating_organization) if nominating_organization
            else permissions.can_nominate(nominated_by, None)):
        raise PermissionDenied(_("Organization staff and committee staff nominate."))
    try:
        with transaction.atomic():
            honor = Honor.objects.create(
                year=year, category=category, volunteer=volunteer if category == HonorCategory.VOLUNTEER else None,
                organization=organization if category == HonorCategory.ORGANIZATION else None,
                project=project if category == HonorCategory.PROJECT else None,
                community=community if category == HonorCategory.COMMUNITY else None,
                region=region, citation=plain_text(citation), citation_en=plain_text(citation_en),
                nominated_by=nominated_by, nominating_organization=nominating_organization,
            )
    except IntegrityError:
        raise Conflict(_("This nomination has already been made for this year."), code="duplicate_nomination") from None
    _event(honor=honor, actor=nominated_by, action="nominate", to_status=honor.status)
    return honor


HONOR_MOVES = {
    "approve": ({HonorStatus.NOMINATED}, HonorStatus.APPROVED),
    "reject": ({HonorStatus.NOMINATED, HonorStatus.APPROVED}, HonorStatus.REJECTED),
    "publish": ({HonorStatus.APPROVED}, HonorStatus.PUBLISHED),
}


@transaction.atomic
def honor_decide(*, honor: Honor, actor: Any, action: str, reason: str = "") -> Honor:
    """Reviewed (approve or reject), then published."""
    honor = Honor.objects.select_for_update(of=("self",)).select_related("region").get(pk=honor.pk)
    if not permissions.can_review_honor(actor, honor):
        raise PermissionDenied(_("Only committee staff of the region review nominations."))
    if action not in HONOR_MOVES:
        raise ValidationError({"action": [_("Choose approve, reject or publish.")]})
    allowed_from, to_status = HONOR_MOVES[action]
    if honor.status not in allowed_from:
        raise Conflict(_("The nomination is not in a state that allows this."), code="honor_state")
    if action == "reject" and not (reason or "").strip():
        raise ValidationError({"reason": [_("Give a reason.")]})
    from_status = honor.status
    honor.status = to_status
    if to_status == HonorStatus.PUBLISHED:
        honor.published_at = timezone.now()
    honor.save(update_fields=["status", "published_at"])
    _event(honor=honor, actor=actor, action=action, from_status=from_status, to_status=to_status, reason=reason)
    audit(actor=actor, action=f"honor.{action}", target=honor,
          details={"from": from_status, "to": to_status, "reason": reason})
    transaction.on_commit(home_invalidate)
    if honor.project_id:
        project_page_changed(honor.project_id)
    return honor


# --- Campaigns ------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *, created_by: Any, title: str, starts_on: dt.date, ends_on: dt.date, title_en: str = "", summary: str = "",
    summary_en: str = "", projects: Any = (), project_ids: Any = (),
) -> Campaign:
    if not permissions.can_manage_campaigns(created_by):
        raise PermissionDenied(_("Only city staff run campaigns."))
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("Give the campaign a title.")]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The campaign ends after it starts.")]
    if errors:
        raise ValidationError(errors)
    chosen = list(projects) or _campaign_projects(project_ids)
    campaign = Campaign.objects.create(
        title=title.strip(), title_en=title_en, summary=summary, summary_en=summary_en,
        starts_on=starts_on, ends_on=ends_on, created_by=created_by,
    )
    campaign.projects.set(chosen)
    transaction.on_commit(home_invalidate)
    return campaign


def _campaign_projects(project_ids: Any) -> list[Any]:
    from civitas.projects.models import Project

    ids = sorted({int(pk) for pk in project_ids})
    found = list(Project.objects.filter(pk__in=ids, status__in=PUBLIC_PROJECT_STATUSES))
    missing = sorted(set(ids) - {p.pk for p in found})
    if missing:
        raise ValidationError({"project_ids": [
            _("These project numbers are not public projects: %(numbers)s") % {"numbers": ", ".join(map(str, missing))}
        ]})
    return found


@transaction.atomic
def campaign_update(
    *, campaign: Campaign, actor: Any, title: str, starts_on: dt.date, ends_on: dt.date, title_en: str = "",
    summary: str = "", summary_en: str = "", project_ids: Any = (),
) -> Campaign:
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied(_("Only city staff run campaigns."))
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("Give the campaign a title.")]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The campaign ends after it starts.")]
    if errors:
        raise ValidationError(errors)
    projects = _campaign_projects(project_ids)
    Campaign.objects.filter(pk=campaign.pk).update(
        title=title.strip(), title_en=title_en, summary=summary, summary_en=summary_en, starts_on=starts_on,
        ends_on=ends_on,
    )
    campaign.projects.set(projects)
    campaign.refresh_from_db()
    from civitas.publicity.selectors import campaign_figures_forget

    transaction.on_commit(lambda: campaign_figures_forget(campaign.pk))
    transaction.on_commit(home_invalidate)
    return campaign


# --- Comments ------------------------------------------------------------------------------

LINK_RE = re.compile(r"(https?://|www\.)", re.IGNORECASE)
COMMENTABLE_PROJECT_STATUSES = ("approved", "recruiting", "in_progress", "completed")
PUBLIC_PROJECT_STATUSES = ("approved", "recruiting", "in_progress", "completed", "evaluated")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def ip_digest(ip: str) -> str:
    return _digest(f"ip:{ip}") if ip else ""


def _normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def sensitive_word_in(text: str) -> str | None:
    lowered = text.lower()
    for word in SensitiveWord.objects.values_list("word", flat=True):
        if word and word.lower() in lowered:
            return word
    return None


def _rate_limit(key: str) -> None:
    """Counts on the site's shared limiter, scope "comment" of settings.RATE_LIMITS."""
    limit, period = settings.RATE_LIMITS["comment"]
    if not ratelimit.hit("comment", key, limit=limit, period=period):
        raise RateLimited(_("You are commenting too fast. Wait a few minutes and try again."))


def comment_target_check(*, article: Article | None = None, project: Any = None) -> None:
    """Raise a clear error when the item cannot take comments."""
    if article is None and project is None:
        raise ValidationError({"__all__": [_("There is nothing here to comment on.")]})
    if article is not None:
        if not article.is_public:
            raise ValidationError({"__all__": [_("This article is not published, so it cannot take comments.")]})
        if not article.allow_comments:
            raise Conflict(_("Comments are closed for this article."), code="comments_closed")
    if project is not None:
        if project.status not in PUBLIC_PROJECT_STATUSES:
            raise ValidationError({"__all__": [_("This project is not public, so it cannot take comments.")]})
        if project.status not in COMMENTABLE_PROJECT_STATUSES:
            raise Conflict(_("Comments are closed for this project."), code="comments_closed")


def _publish_reply(comment: Comment) -> None:
    if comment.parent_id and comment.status == CommentStatus.APPROVED and not comment.is_hidden:
        publish("comment.reply_approved", comment_id=comment.pk)


@transaction.atomic
def comment_post(
    *,
    name: str,
    email: str,
    text: str,
    article: Article | None = None,
    project: Any = None,
    parent: Comment | None = None,
    user: Any = None,
    ip: str = "",
    honeypot: str = "",
) -> Comment:
    """Leave a reply. First comments from an address wait for moderation; later ones from
    an address with an approved comment go up at once unless they contain a sensitive word."""
    comment_target_check(article=article, project=project)
    if honeypot:
        # Bots fill every field; people never see this one.
        raise ValidationError({"__all__": [_("Your comment could not be accepted.")]})
    name = plain_text(name)[:60] if name else ""
    email = (email or "").strip().lower()
    text = plain_text(text)
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Enter your name.")]
    try:
        validate_email(email)
        if len(email) > 254:
            raise ValidationError("")
    except ValidationError:
        errors["email"] = [_("Enter a valid email address.")]
    if not text:
        errors["text"] = [_("Write your comment.")]
    elif len(text) > 3000:
        errors["text"] = [_("Keep the comment to 3000 characters.")]
    elif len(LINK_RE.findall(text)) > publicity_setting("COMMENT_MAX_LINKS"):
        errors["text"] = [_("A comment may hold at most %(n)d links.") % {"n": publicity_setting("COMMENT_MAX_LINKS")}]
    if parent is not None:
        parent = Comment.objects.filter(pk=parent.pk).first()
    if parent is not None and (
        parent.article_id != (article.pk if article else None)
        or parent.project_id != (project.pk if project else None)
        or not parent.is_visible
    ):
        errors["parent"] = [_("You can only reply to a published comment on this page.")]
    if errors:
        raise ValidationError(errors)
    digest = _digest(_normalized(text))
    since = timezone.now() - dt.timedelta(days=1)
    duplicate = Comment.objects.filter(text_digest=digest, created_at__gte=since).filter(email=email).exists() or (
        Comment.objects.filter(text_digest=digest, article=article, project=project).exists()
    )
    if duplicate:
        raise ValidationError({"text": [_("This comment has already been posted.")]})
    _rate_limit(f"email:{_digest(email)}")
    if ip:
        _rate_limit(f"ip:{ip}")
    word = sensitive_word_in(f"{name} {text}")
    known = Comment.objects.filter(email=email, status=CommentStatus.APPROVED).exists()
    if word:
        status, held = CommentStatus.PENDING, HeldReason.SENSITIVE
    elif known:
        status, held = CommentStatus.APPROVED, HeldReason.NONE
    else:
        status, held = CommentStatus.PENDING, HeldReason.FIRST_COMMENT
    comment = Comment.objects.create(
        article=article, project=project, parent=parent, user=user if getattr(user, "is_authenticated", False) else None,
        name=name, email=email, text=text, text_digest=digest, status=status, held_reason=held,
        ip_digest=ip_digest(ip),
    )
    _event(comment=comment, actor=user, action="post", to_status=status, reason=held)
    _publish_reply(comment)
    if project is not None and comment.is_visible:
        project_page_changed(project.pk)
    return comment


@transaction.atomic
def comment_moderate(*, comment: Comment, actor: Any, action: str, reason: str = "") -> Comment | None:
    """Staff approve (which also clears a hide after reports), reject or delete a comment."""
    comment = Comment.objects.select_for_update(of=("self",)).select_related(
        "article__organization__region", "article__region", "project__region"
    ).get(pk=comment.pk)
    if not permissions.can_moderate_comment(actor, comment):
        raise PermissionDenied(_("Only committee staff of the region moderate these comments."))
    from_status = comment.status
    # A comment has no region of its own (and its commenter's home is not where it was
    # said): the trail files it under the article's or project's, city-wide news under the city.
    audit_region = permissions.comment_region(comment) or Region.objects.filter(parent__isnull=True).order_by("pk").first()
    if action == "approve":
        was_visible = comment.is_visible
        comment.status = CommentStatus.APPROVED
        comment.is_hidden = False
        comment.held_reason = HeldReason.NONE
    elif action == "reject":
        comment.status = CommentStatus.REJECTED
    elif action == "delete":
        _event(comment=None, actor=actor, action="delete", from_status=from_status, reason=reason or f"#{comment.pk}")
        audit(actor=actor, action="comment.delete", target=comment, region=audit_region,
              details={"from": from_status, "reason": reason})
        if comment.project_id:
            project_page_changed(comment.project_id)
        comment.delete()
        return None
    else:
        raise ValidationError({"action": [_("Choose approve, reject or delete.")]})
    comment.decided_at = timezone.now()
    comment.decided_by = actor
    comment.save(update_fields=["status", "is_hidden", "held_reason", "decided_at", "decided_by"])
    _event(comment=comment, actor=actor, action=action, from_status=from_status, to_status=comment.status, reason=reason)
    audit(actor=actor, action=f"comment.{action}", target=comment, region=audit_region,
          details={"from": from_status, "to": comment.status, "reason": reason})
    if action == "approve" and not was_visible:
        _publish_reply(comment)
    if comment.project_id:
        project_page_changed(comment.project_id)
    return comment


@transaction.atomic
def comment_report(*, comment: Comment, reporter_key: str, reason: str = "") -> Comment:
    """Anyone may report a comment once; enough reports hide it until staff look at it."""
    if not comment.is_visible:
        raise Conflict(_("This comment is not shown."), code="comment_hidden")
    try:
        with transaction.atomic():
            CommentReport.objects.create(comment=comment, reporter_key=reporter_key, reason=plain_text(reason)[:300])
    except IntegrityError:
        raise Conflict(_("You have already reported this comment."), code="already_reported") from None
    Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
    threshold = publicity_setting("COMMENT_REPORTS_TO_HIDE")
    hidden = Comment.objects.filter(pk=comment.pk, report_count__gte=threshold, is_hidden=False).update(is_hidden=True)
    comment.refresh_from_db()
    if hidden:
        _event(comment=comment, actor=None, action="hide", from_status=comment.status, to_status=comment.status,
               reason=_("Reported by %(n)d people") % {"n": comment.report_count})
        if comment.project_id:
            project_page_changed(comment.project_id)
    return comment


@transaction.atomic
def sensitive_word_add(*, word: str, actor: Any) -> SensitiveWord:
    if not permissions.can_edit_sensitive_words(actor):
        raise PermissionDenied(_("Only committee staff edit the sensitive words."))
    word = (word or "").strip()
    if not word:
        raise ValidationError({"word": [_("Enter a word.")]})
    if len(word) > 60:
        raise ValidationError({"word": [_("Keep a word to 60 characters.")]})
    row, created = SensitiveWord.objects.get_or_create(word=word, defaults={"created_by": actor})
    if not created:
        raise Conflict(_("This word is already on the list."), code="duplicate_word")
    return row


@transaction.atomic
def sensitive_word_remove(*, word: SensitiveWord, actor: Any) -> None:
    if not permissions.can_edit_sensitive_words(actor):
        raise PermissionDenied(_("Only committee staff edit the sensitive words."))
    word.delete()
