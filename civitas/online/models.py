"""Online (network-civilization) tasks, their submissions, and training courses."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _


class TaskKind(models.TextChoices):
    REPORT_HARMFUL = "report_harmful", _("Report harmful content")
    SPREAD_GOOD = "spread_good", _("Spread good content")
    TUTORING = "tutoring", _("Online tutoring")
    TRANSLATION = "translation", _("Translation")
    PROOFREADING = "proofreading", _("Proofreading")
    ANSWERING = "answering", _("Answering questions")
    OTHER = "other", _("Other")


class OnlineTask(models.Model):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="online_tasks", verbose_name=_("project")
    )
    # Copied from the project so that lists and figures filter without a join.
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="online_tasks",
        verbose_name=_("organization"),
    )
    title = models.CharField(_("title"), max_length=150)
    title_en = models.CharField(_("English title"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices, db_index=True)
    instructions = models.TextField(_("instructions"), max_length=5000)
    requires_link = models.BooleanField(_("a link is required"), default=False)
    requires_text = models.BooleanField(_("a text is required"), default=False)
    requires_image = models.BooleanField(_("an image is required"), default=False)
    hours_per_submission = models.DecimalField(_("hours per accepted submission"), max_digits=5, decimal_places=2)
    quota_per_volunteer = models.PositiveIntegerField(_("submissions per volunteer"), default=1)
    quota_total = models.PositiveIntegerField(_("submissions in total"))
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    qualification = models.ForeignKey(
        "accounts.Qualification", on_delete=models.PROTECT, null=True, blank=True, related_name="online_tasks",
        verbose_name=_("qualification needed"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("online task")
        verbose_name_plural = _("online tasks")
        indexes = [
            models.Index(fields=["closes_at", "opens_at"]),
            models.Index(fields=["organization", "closes_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="online_task_closes_after_opening"),
            models.CheckConstraint(
                condition=Q(requires_link=True) | Q(requires_text=True) | Q(requires_image=True),
                name="online_task_asks_for_evidence",
            ),
        ]

    def __str__(self) -> str:
        from civitas.core.text import localized

        return localized(self, "title")

    def is_open_at(self, moment) -> bool:  # type: ignore[no-untyped-def]
        return self.opens_at <= moment < self.closes_at


class SubmissionStatus(models.TextChoices):
    CLAIMED = "claimed", _("Claimed")
    SUBMITTED = "submitted", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    RELEASED = "released", _("Released")
    EXPIRED = "expired", _("Claim expired")


def evidence_upload_to(instance: Submission, filename: str) -> str:
    # The name a volunteer gave the file is never used: it could carry a path or a
    # misleading extension. The extension comes from the format Pillow found.
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"online/evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Submission(models.Model):
    """A volunteer's claim on a task and, once sent, the evidence for it.

    A claim counts against the task's quotas while it is open (until ``expires_at``);
    submitted and accepted ones count for good.
    """

    task = models.ForeignKey(OnlineTask, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("task"))
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="online_submissions",
        verbose_name=_("volunteer"),
    )
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.CLAIMED)
    claimed_at = models.DateTimeField(_("claimed"), default=timezone.now)
    expires_at = models.DateTimeField(_("claim expires"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    link_digest = models.CharField(max_length=64, null=True, blank=True, editable=False)
    text = models.TextField(_("text"), max_length=5000, blank=True)
    text_digest = models.CharField(max_length=64, null=True, blank=True, editable=False)
    image = models.FileField(_("image"), upload_to=evidence_upload_to, blank=True)
    image_digest = models.CharField(max_length=64, null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("reviewer"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_reason = models.TextField(_("reason"), blank=True, max_length=1000)
    hours = models.DecimalField(_("hours credited"), max_digits=5, decimal_places=2, null=True, blank=True)
    record = models.OneToOneField(
        "ledger.ServiceRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="online_submission"
    )

    class Meta:
        ordering = ["-claimed_at", "-id"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            # The same evidence twice on one task, from anyone, is one piece of work.
            models.UniqueConstraint(fields=["task", "link_digest"], name="online_unique_link_per_task"),
            models.UniqueConstraint(fields=["task", "text_digest"], name="online_unique_text_per_task"),
            models.UniqueConstraint(fields=["task", "image_digest"], name="online_unique_image_per_task"),
            models.UniqueConstraint(
                fields=["task", "volunteer"], condition=Q(status="claimed"), name="online_one_open_claim_per_task"
            ),
        ]
        indexes = [
            models.Index(fields=["task", "status"]),
            models.Index(fields=["volunteer", "status"]),
            models.Index(fields=["status", "organization"]),
            models.Index(fields=["organization", "status", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.task}"

    @property
    def is_open_claim(self) -> bool:
        return self.status == SubmissionStatus.CLAIMED and self.expires_at > timezone.now()

    @property
    def shown_status(self) -> str:
        """The status as a volunteer would put it: a lapsed claim reads as expired even
        before the sweep marks it."""
        if self.status == SubmissionStatus.CLAIMED and not self.is_open_claim:
            return str(SubmissionStatus.EXPIRED.label)
        return self.get_status_display()


class SubmissionEvent(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=SubmissionStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=SubmissionStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class Course(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="courses", verbose_name=_("organization")
    )
    title = models.CharField(_("title"), max_length=150)
    title_en = models.CharField(_("English title"), max_length=150, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    qualification = models.ForeignKey(
        "accounts.Qualification", on_delete=models.PROTECT, null=True, blank=True, related_name="courses",
        verbose_name=_("qualification granted"),
    )
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=80)
    credit_hours = models.DecimalField(
        _("training hours credited"), max_digits=5, decimal_places=2, default=0,
        help_text=_("Hours credited once to each volunteer who passes; 0 credits none."),
    )
    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        constraints = [
            models.CheckConstraint(condition=Q(pass_mark__lte=100), name="course_pass_mark_is_a_percentage"),
        ]

    def __str__(self) -> str:
        from civitas.core.text import localized

        return localized(self, "title")


def attachment_upload_to(instance: Lesson, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower()[:10] if "." in filename else "bin"
    return f"online/lessons/{uuid.uuid4().hex}.{extension}"


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("course"))
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=150)
    title_en = models.CharField(_("English title"), max_length=150, blank=True)
    body = models.TextField(_("text"), blank=True)  # sanitized HTML (online.sanitize)
    video_url = models.URLField(_("video link"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to=attachment_upload_to, blank=True)
    attachment_name = models.CharField(_("attachment name"), max_length=150, blank=True)

    class Meta:
        ordering = ["course", "position", "id"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        from civitas.core.text import localized

        return localized(self, "title")

    @property
    def body_html(self) -> SafeString:
        """The body, cleaned again as it is shown: a body that reached the database around
        the services (the admin of an older version, a restore, a hand edit) still runs nothing."""
        from civitas.online.sanitize import sanitize_lesson_html

        return mark_safe(sanitize_lesson_html(self.body))  # noqa: S308 - nh3 output


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("One answer")
    MULTIPLE = "multiple", _("Several answers")


class Question(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions", verbose_name=_("course"))
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text = models.CharField(_("question"), max_length=500)
    text_en = models.CharField(_("English question"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.SINGLE)

    class Meta:
        ordering = ["course", "position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        from civitas.core.text import localized

        return localized(self, "text")


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question"))
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text = models.CharField(_("answer"), max_length=300)
    text_en = models.CharField(_("English answer"), max_length=300, blank=True)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        ordering = ["question", "position", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        from civitas.core.text import localized

        return localized(self, "text")


class QuizAttempt(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="attempts")
    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    answers = models.JSONField(default=dict)
    correct_count = models.PositiveSmallIntegerField(default=0)
    question_count = models.PositiveSmallIntegerField(default=0)
    score = models.PositiveSmallIntegerField(_("score (%)"), default=0)
    is_passed = models.BooleanField(_("passed"), default=False)
    created_at = models.DateTimeField(_("taken"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["volunteer", "course", "created_at"])]
