"""Articles, honors, campaigns and comments: the public face of Civitas.

An article is written in one language (``language``), not in two parallel fields: news
and stories are written for the people who read them, and a story rarely has a faithful
second version. Lists show every language and mark each article's; campaigns and
honors, which are short labels, keep ``title``/``title_en`` like the rest of the site.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core.text import localized


class ArticleKind(models.TextChoices):
    NEWS = "news", _("News")
    NOTICE = "notice", _("Notice")
    STORY = "story", _("Volunteer story")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned for changes")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Tag(models.Model):
    slug = models.SlugField(_("code"), max_length=40, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=40)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    slug = models.SlugField(_("address"), max_length=80, unique=True, allow_unicode=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ArticleKind.choices, default=ArticleKind.NEWS)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans")
    title = models.CharField(_("title"), max_length=150)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text"))  # sanitized HTML (services.clean_article_html)
    cover_image = models.ImageField(_("cover image"), upload_to="articles/covers/%Y/%m/", blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("tags"))
    region = models.ForeignKey(
        "organizations.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("region"),
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="articles",
        verbose_name=_("organization"),
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.SET_NULL, null=True, blank=True, related_name="articles",
        verbose_name=_("project"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT, db_index=True
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True, db_index=True)
    allow_comments = models.BooleanField(_("comments open"), default=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "publish_at"]),
            models.Index(fields=["organization", "status", "publish_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED and self.publish_at is not None and self.publish_at <= timezone.now()


class HonorCategory(models.TextChoices):
    VOLUNTEER = "volunteer", _("Outstanding volunteer")
    ORGANIZATION = "organization", _("Outstanding organization")
    PROJECT = "project", _("Outstanding project")
    COMMUNITY = "community", _("Outstanding community")


class HonorStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Not approved")


class Honor(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    category = models.CharField(_("award"), max_length=20, choices=HonorCategory.choices)
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="honors",
        verbose_name=_("volunteer"),
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="honors",
        verbose_name=_("organization"),
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="honors",
        verbose_name=_("project"),
    )
    community = models.ForeignKey(
        "organizations.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="honors",
        verbose_name=_("community"),
    )
    # The region whose committee reviews the nomination.
    region = models.ForeignKey("organizations.Region", on_delete=models.PROTECT, related_name="+")
    citation = models.TextField(_("citation"), max_length=2000)
    citation_en = models.TextField(_("English citation"), max_length=2000, blank=True)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nominating_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("nominated by"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=HonorStatus.choices, default=HonorStatus.NOMINATED, db_index=True
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("nominated"), default=timezone.now)

    class Meta:
        ordering = ["-year", "category", "id"]
        verbose_name = _("honor")
        verbose_name_plural = _("honors")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "category", "volunteer"], condition=Q(volunteer__isnull=False) & ~Q(status="rejected"),
                name="one_honor_per_volunteer_award_year",
            ),
            models.UniqueConstraint(
                fields=["year", "category", "organization"],
                condition=Q(organization__isnull=False) & ~Q(status="rejected"),
                name="one_honor_per_organization_award_year",
            ),
            models.UniqueConstraint(
                fields=["year", "category", "project"], condition=Q(project__isnull=False) & ~Q(status="rejected"),
                name="one_honor_per_project_award_year",
            ),
        ]
        indexes = [models.Index(fields=["status", "year"])]

    def __str__(self) -> str:
        return f"{self.year} {self.get_category_display()} · {self.honoree_name}"

    @property
    def honoree_name(self) -> str:
        if self.volunteer_id:
            profile = getattr(self.volunteer, "volunteer", None)
            return profile.public_name if profile else str(self.volunteer)
        target = self.organization or self.project or self.community
        return str(target) if target else ""

    @property
    def local_citation(self) -> str:
        return localized(self, "citation")


class Campaign(models.Model):
    title = models.CharField(_("title"), max_length=150)
    title_en = models.CharField(_("English title"), max_length=150, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    summary_en = models.CharField(_("English summary"), max_length=300, blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    projects = models.ManyToManyField("projects.Project", blank=True, related_name="campaigns", verbose_name=_("projects"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"),
        ]

    def __str__(self) -> str:
        return localized(self, "title")


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    APPROVED = "approved", _("Published")
    REJECTED = "rejected", _("Rejected")


class HeldReason(models.TextChoices):
    NONE = "", _("None")
    FIRST_COMMENT = "first_comment", _("First comment from this address")
    SENSITIVE = "sensitive", _("Contains a sensitive word")


class Comment(models.Model):
    """A reply on an article or a project. ``email`` is never shown to anyone but staff
    in the moderation queue; every public serializer and template leaves it out."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    email = models.EmailField(_("email"), max_length=254, db_index=True)
    text = models.TextField(_("comment"), max_length=3000)
    text_digest = models.CharField(max_length=64, db_index=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=CommentStatus.choices, default=CommentStatus.PENDING, db_index=True
    )
    held_reason = models.CharField(_("held because"), max_length=20, choices=HeldReason.choices, blank=True)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    is_hidden = models.BooleanField(_("hidden after reports"), default=False)
    ip_digest = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("written"), default=timezone.now, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                condition=(Q(article__isnull=False) & Q(project__isnull=True))
                | (Q(article__isnull=True) & Q(project__isnull=False)),
                name="comment_on_one_item",
            ),
        ]
        indexes = [
            models.Index(fields=["article", "status"]),
            models.Index(fields=["project", "status"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.text[:40]}"

    @property
    def is_visible(self) -> bool:
        return self.status == CommentStatus.APPROVED and not self.is_hidden


class CommentReport(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    # "u:<user id>" or "ip:<digest>": one report per person per comment.
    reporter_key = models.CharField(max_length=80)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "reporter_key"], name="one_report_per_person")]


class SensitiveWord(models.Model):
    word = models.CharField(_("word"), max_length=60, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["word"]
        verbose_name = _("sensitive word")
        verbose_name_plural = _("sensitive words")

    def __str__(self) -> str:
        return self.word


class PublicityEvent(models.Model):
    """A status change of an article, honor or comment: who, when, why."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    honor = models.ForeignKey(Honor, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    comment = models.ForeignKey(Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
