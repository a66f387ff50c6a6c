"""Writes for online tasks, submissions and training.

Hours enter the ledger only through ``civitas.ledger.services`` (``record_create`` then
``record_approve``), keyed by the submission or the course so nothing is credited twice.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.accounts.audit import audit
from civitas.accounts.models import Qualification, VolunteerQualification
from civitas.core.errors import Conflict
from civitas.core.events import publish
from civitas.ledger import services as ledger
from civitas.ledger.models import RecordStatus
from civitas.online import evidence, permissions
from civitas.online.models import (
    Choice,
    Course,
    Lesson,
    OnlineTask,
    Question,
    QuestionKind,
    QuizAttempt,
    Submission,
    SubmissionEvent,
    SubmissionStatus,
    TaskKind,
)
from civitas.online.sanitize import sanitize_lesson_html
from civitas.projects.models import Project, ProjectStatus

ACTIVE_PROJECT_STATUSES = (ProjectStatus.RECRUITING, ProjectStatus.IN_PROGRESS)
MAX_HOURS_PER_SUBMISSION = Decimal("24")


def _rules() -> dict[str, Any]:
    return settings.CIVITAS_ONLINE


def _event(submission: Submission, from_status: str, actor: Any, reason: str = "") -> None:
    SubmissionEvent.objects.create(
        submission=submission, from_status=from_status, to_status=submission.status, actor=actor, reason=reason
    )


def holds_qualification(*, user: Any, qualification: Qualification, at: dt.datetime | None = None) -> bool:
    at = at or timezone.now()
    return VolunteerQualification.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=at), user=user, qualification=qualification
    ).exists()


# --- Tasks -----------------------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    project: Project,
    created_by: Any,
    title: str,
    kind: str,
    instructions: str,
    hours_per_submission: Decimal,
    quota_total: int,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    quota_per_volunteer: int = 1,
    requires_link: bool = False,
    requires_text: bool = False,
    requires_image: bool = False,
    qualification: Qualification | None = None,
    title_en: str = "",
) -> OnlineTask:
    """Organization staff publish an online task inside one of their projects."""
    if not permissions.can_publish_task(created_by, project.organization):
        raise PermissionDenied(_("Only the organization's staff can publish its online tasks."))
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("Give the task a title.")]
    if kind not in TaskKind.values:
        errors["kind"] = [_("Choose what kind of task this is.")]
    if not (instructions or "").strip():
        errors["instructions"] = [_("Tell volunteers what to do.")]
    if not (requires_link or requires_text or requires_image):
        errors["requires_link"] = [_("Ask for at least one kind of evidence: a link, a text or an image.")]
    try:
        hours = Decimal(hours_per_submission).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError):
        hours = Decimal("0")
    if hours <= 0 or hours > MAX_HOURS_PER_SUBMISSION:
        errors["hours_per_submission"] = [_("Credit more than 0 and at most 24 hours per submission.")]
    if quota_total < 1:
        errors["quota_total"] = [_("Allow at least one submission in total.")]
    if quota_per_volunteer < 1:
        errors["quota_per_volunteer"] = [_("Allow each volunteer at least one submission.")]
    elif quota_total >= 1 and quota_per_volunteer > quota_total:
        errors["quota_per_volunteer"] = [_("A volunteer's quota cannot be larger than the total.")]
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = [_("The task must close after it opens.")]
    if project.status in (ProjectStatus.REJECTED, ProjectStatus.COMPLETED, ProjectStatus.EVALUATED):
        errors["project"] = [_("Tasks cannot be added to a project that is finished or rejected.")]
    if errors:
        raise ValidationError(errors)
    return OnlineTask.objects.create(
        project=project,
        organization_id=project.organization_id,
        title=title.strip(),
        title_en=(title_en or "").strip(),
        kind=kind,
        instructions=instructions.strip(),
        requires_link=requires_link,
        requires_text=requires_text,
        requires_image=requires_image,
        hours_per_submission=hours,
        quota_per_volunteer=quota_per_volunteer,
        quota_total=quota_total,
        opens_at=opens_at,
        closes_at=closes_at,
        qualification=qualification,
        created_by=created_by,
    )


def _counting(now: dt.datetime) -> Q:
    """Rows that hold a place in a quota: sent or accepted work, and claims not yet lapsed."""
    return Q(status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED]) | Q(
        status=SubmissionStatus.CLAIMED, expires_at__gt=now
    )


def _lapse_claims(*, task: OnlineTask, volunteer: Any, now: dt.datetime) -> None:
    for claim in Submission.objects.filter(
        task=task, volunteer=volunteer, status=SubmissionStatus.CLAIMED, expires_at__lte=now
    ):
        claim.status = SubmissionStatus.EXPIRED
        claim.save(update_fields=["status"])
        _event(claim, SubmissionStatus.CLAIMED, None, "")


def _check_can_take(*, task: OnlineTask, volunteer: Any, now: dt.datetime) -> None:
    if not hasattr(volunteer, "volunteer"):
        raise ValidationError({"volunteer": [_("Register as a volunteer before taking online tasks.")]})
    project = Project.objects.only("status").get(pk=task.project_id)
    if project.status not in ACTIVE_PROJECT_STATUSES or not task.organization.is_approved:
        raise ValidationError({"task": [_("This task's project is not open to volunteers.")]})
    if now < task.opens_at:
        raise ValidationError({"task": [
            _("This task opens on %(time)s.") % {"time": f"{timezone.localtime(task.opens_at):%Y-%m-%d %H:%M}"}
        ]})
    if now >= task.closes_at:
        raise ValidationError({"task": [_("This task has closed.")]})
    if task.qualification_id and not holds_qualification(user=volunteer, qualification=task.qualification, at=now):
        raise ValidationError({"qualification": [
            _("This task needs the qualification: %(name)s") % {"name": str(task.qualification)}
        ]})


def _claim(*, task: OnlineTask, volunteer: Any, now: dt.datetime) -> Submission:
    """The quota check and the claim, with the task row locked so two claims queue."""
    _lapse_claims(task=task, volunteer=volunteer, now=now)
    if Submission.objects.filter(task=task, volunteer=volunteer, status=SubmissionStatus.CLAIMED).exists():
        raise Conflict(_("You have already claimed this task; send your evidence or release the claim."),
                       code="already_claimed")
    taken = Submission.objects.filter(_counting(now), task=task)
    if taken.filter(volunteer=volunteer).count() >= task.quota_per_volunteer:
        raise Conflict(
            _("You have reached this task's limit of %(count)s submissions per volunteer.")
            % {"count": task.quota_per_volunteer},
            code="volunteer_quota_full",
        )
    if taken.count() >= task.quota_total:
        raise Conflict(_("This task has all the submissions it needs."), code="quota_full")
    try:
        with transaction.atomic():
            claim = Submission.objects.create(
                task=task, volunteer=volunteer, organization_id=task.organization_id, claimed_at=now,
                expires_at=now + dt.timedelta(hours=_rules()["CLAIM_HOURS"]),
            )
    except IntegrityError:
        raise Conflict(_("You have already claimed this task; send your evidence or release the claim."),
                       code="already_claimed") from None
    _event(claim, "", volunteer)
    return claim


def _locked_task(task: OnlineTask) -> OnlineTask:
    return OnlineTask.objects.select_for_update(of=("self",)).select_related("organization", "qualification").get(pk=task.pk)


@transaction.atomic
def task_claim(*, task: OnlineTask, volunteer: Any) -> Submission:
    now = timezone.now()
    task = _locked_task(task)
    _check_can_take(task=task, volunteer=volunteer, now=now)
    return _claim(task=task, volunteer=volunteer, now=now)


@transaction.atomic
def claim_release(*, submission: Submission, actor: Any) -> Submission:
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if actor.pk != submission.volunteer_id:
        raise PermissionDenied(_("Only the volunteer who claimed a task can release the claim."))
    if submission.status != SubmissionStatus.CLAIMED:
        raise Conflict(_("Only an open claim can be released."), code="not_claimed")
    submission.status = SubmissionStatus.RELEASED
    submission.save(update_fields=["status"])
    _event(submission, SubmissionStatus.CLAIMED, actor)
    return submission


def _duplicate(task: OnlineTask, field: str, value: str | None) -> bool:
    return bool(value) and Submission.objects.filter(task=task, **{field: value}).exists()


@transaction.atomic
def submission_submit(
    *, task: OnlineTask, volunteer: Any, link: str = "", text: str = "", image: Any = None
) -> Submission:
    """Send evidence for a task. Uses the volunteer's open claim, or claims the task
    first when there is none (the same checks as claiming)."""
    now = timezone.now()
    task = _locked_task(task)
    _check_can_take(task=task, volunteer=volunteer, now=now)
    link, text = (link or "").strip(), (text or "").strip()
    errors: dict[str, list[str]] = {}
    link_digest = text_digest = image_digest = None
    checked_image = None
    if task.requires_link and not link:
        errors["link"] = [_("This task asks for a link.")]
    if task.requires_text and not text:
        errors["text"] = [_("This task asks for a text.")]
    if task.requires_image and not image:
        errors["image"] = [_("This task asks for an image.")]
    if not (link or text or image):
        errors.setdefault("__all__", [_("Send some evidence of the work.")])
    if len(link) > 500:
        errors["link"] = [_("The link is too long.")]
    if len(text) > 5000:
        errors["text"] = [_("The text is too long: at most 5000 characters.")]
    for field, check in (("link", lambda: evidence.normalize_link(link) if link else ""),
                         ("image", lambda: evidence.check_image(image) if image else None)):
        if field in errors:
            continue
        try:
            result = check()
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        if field == "link" and result:
            link_digest = evidence.digest(result)
        elif field == "image" and result is not None:
            checked_image = result
            image_digest = result.digest
    if text and "text" not in errors:
        text_digest = evidence.digest(evidence.normalize_text(text))
    if _duplicate(task, "link_digest", link_digest):
        errors["link"] = [_("This link has already been submitted for this task.")]
    if _duplicate(task, "text_digest", text_digest):
        errors["text"] = [_("This text has already been submitted for this task.")]
    if _duplicate(task, "image_digest", image_digest):
        errors["image"] = [_("This image has already been submitted for this task.")]
    if errors:
        raise ValidationError(errors)

    _lapse_claims(task=task, volunteer=volunteer, now=now)
    claim = Submission.objects.filter(task=task, volunteer=volunteer, status=SubmissionStatus.CLAIMED).first()
    if claim is None:
        claim = _claim(task=task, volunteer=volunteer, now=now)
    claim.status = SubmissionStatus.SUBMITTED
    claim.submitted_at = now
    claim.link, claim.link_digest = link, link_digest
    claim.text, claim.text_digest = text, text_digest
    claim.image_digest = image_digest
    fields = ["status", "submitted_at", "link", "link_digest", "text", "text_digest", "image_digest"]
    try:
        with transaction.atomic():
            if checked_image is not None:
                claim.image.save(checked_image.content.name, checked_image.content, save=False)
                fields.append("image")
            claim.save(update_fields=fields)
    except IntegrityError:
        if checked_image is not None and claim.image:
            claim.image.delete(save=False)
        # Another volunteer sent the same evidence at the same moment.
        raise ValidationError({"__all__": [_("This evidence has already been submitted for this task.")]}) from None
    _event(claim, SubmissionStatus.CLAIMED, volunteer)
    return claim


@transaction.atomic
def submission_review(*, submission: Submission, reviewer: Any, accept: bool, reason: str = "") -> Submission:
    """Accept (the task's hours go into the ledger, approved) or reject with a reason."""
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("task", "organization")
        .get(pk=submission.pk)
    )
    if not permissions.can_review_submission(reviewer, submission):
        raise PermissionDenied(_("Only the organization's staff can review its submissions."))
    if submission.status == SubmissionStatus.ACCEPTED:
        raise Conflict(_("This submission has already been accepted."), code="already_accepted")
    if submission.status == SubmissionStatus.REJECTED:
        raise Conflict(_("This submission has already been rejected."), code="already_rejected")
    if submission.status != SubmissionStatus.SUBMITTED:
        raise Conflict(_("Only submitted evidence can be reviewed."), code="not_submitted")
    if submission.volunteer_id == reviewer.pk:
        raise PermissionDenied(_("You cannot review your own submission."))
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError({"reason": [_("Tell the volunteer why the submission is rejected.")]})
    now = timezone.now()
    if accept:
        task = submission.task
        # The entry spans the credited hours up to the moment the evidence was sent, so
        # ledger rules comparing hours with the time span (or with other entries) see
        # online work as what it is rather than as a days-long claim window.
        ended_at = submission.submitted_at or now
        record = ledger.record_create(
            volunteer=submission.volunteer,
            organization=submission.organization,
            project=task.project,
            started_at=ended_at - dt.timedelta(hours=float(task.hours_per_submission)),
            ended_at=ended_at,
            hours=task.hours_per_submission,
            source="online",
            created_by=reviewer,
            note=str(task)[:200],
            idempotency_key=f"online-submission:{submission.pk}",
        )
        if record.status == RecordStatus.PENDING:
            record = ledger.record_approve(record=record, approver=reviewer)
        submission.record = record
        submission.hours = record.hours
        submission.status = SubmissionStatus.ACCEPTED
    else:
        submission.status = SubmissionStatus.REJECTED
    submission.reviewed_by = reviewer
    submission.reviewed_at = now
    submission.review_reason = reason
    submission.save(update_fields=["record", "hours", "status", "reviewed_by", "reviewed_at", "review_reason"])
    _event(submission, SubmissionStatus.SUBMITTED, reviewer, reason)
    # An acceptance puts hours into the ledger: auditors of the organization's region
    # read who decided, on whose work, and why.
    audit(
        actor=reviewer,
        action="online_submission.accept" if accept else "online_submission.reject",
        target=submission,
        region=submission.organization.region,
        details={"task_id": submission.task_id, "volunteer_id": submission.volunteer_id,
                 "record_id": submission.record_id, "hours": str(submission.hours) if accept else None,
                 "reason": reason},
    )
    publish("submission.reviewed", submission_id=submission.pk, accepted=accept)
    return submission


@transaction.atomic
def claims_expire(*, now: dt.datetime | None = None) -> int:
    """Mark lapsed claims as expired (quotas already ignore them; this tidies the lists)."""
    now = now or timezone.now()
    lapsed = list(Submission.objects.select_for_update().filter(status=SubmissionStatus.CLAIMED, expires_at__lte=now))
    for claim in lapsed:
        claim.status = SubmissionStatus.EXPIRED
        claim.save(update_fields=["status"])
        _event(claim, SubmissionStatus.CLAIMED, None)
    return len(lapsed)


# --- Training --------------------------------------------------------------------------

@transaction.atomic
def course_create(
    *,
    organization: Any,
    created_by: Any,
    title: str,
    pass_mark: int = 80,
    qualification: Qualification | None = None,
    credit_hours: Decimal = Decimal("0"),
    summary: str = "",
    title_en: str = "",
    is_published: bool = True,
) -> Course:
    if not permissions.can_publish_task(created_by, organization):
        raise PermissionDenied(_("Only the organization's staff can create its courses."))
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("Give the course a title.")]
    if not 0 < pass_mark <= 100:
        errors["pass_mark"] = [_("The pass mark is a percentage from 1 to 100.")]
    credit_hours = Decimal(credit_hours or 0).quantize(Decimal("0.01"))
    if credit_hours < 0 or credit_hours > MAX_HOURS_PER_SUBMISSION:
        errors["credit_hours"] = [_("Credit from 0 to 24 hours for a course.")]
    if errors:
        raise ValidationError(errors)
    return Course.objects.create(
        organization=organization, created_by=created_by, title=title.strip(), title_en=title_en, summary=summary,
        pass_mark=pass_mark, qualification=qualification, credit_hours=credit_hours, is_published=is_published,
    )


def lesson_add(
    *, course: Course, title: str, body: str = "", video_url: str = "", attachment: Any = None,
    title_en: str = "", position: int | None = None,
) -> Lesson:
    if not (title or "").strip():
        raise ValidationError({"title": [_("Give the lesson a title.")]})
    if video_url:
        try:
            evidence.normalize_link(video_url)
        except ValidationError:
            raise ValidationError({"video_url": [_("Enter a web link starting with http:// or https://.")]}) from None
    if attachment is not None and attachment.size > _rules()["ATTACHMENT_MAX_BYTES"]:
        raise ValidationError({"attachment": [_("The attachment is too big.")]})
    if position is None:
        position = course.lessons.count() + 1
    lesson = Lesson(
        course=course, title=title.strip(), title_en=title_en, body=sanitize_lesson_html(body), video_url=video_url,
        position=position,
    )
    if attachment is not None:
        lesson.attachment_name = (getattr(attachment, "name", "") or "attachment").rsplit("/", 1)[-1][:150]
        lesson.attachment.save(lesson.attachment_name, attachment, save=False)
    lesson.save()
    return lesson


def question_add(
    *, course: Course, text: str, choices: list[tuple[str, bool]], kind: str = QuestionKind.SINGLE,
    text_en: str = "", choices_en: list[str] | None = None,
) -> Question:
    correct = sum(1 for _text, is_correct in choices if is_correct)
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": [_("Choose one answer or several answers.")]})
    if len(choices) < 2:
        raise ValidationError({"choices": [_("Give at least two answers.")]})
    if correct == 0 or (kind == QuestionKind.SINGLE and correct != 1):
        raise ValidationError({"choices": [_("Mark the correct answer (one, for a one-answer question).")]})
    with transaction.atomic():
        question = Question.objects.create(
            course=course, text=text, text_en=text_en, kind=kind, position=course.questions.count() + 1
        )
        english = choices_en or [""] * len(choices)
        Choice.objects.bulk_create(
            Choice(question=question, text=choice_text, text_en=english[index] if index < len(english) else "",
                   is_correct=is_correct, position=index + 1)
            for index, (choice_text, is_correct) in enumerate(choices)
        )
    return question


def _chosen(answers: dict[str, Any], question: Question) -> set[int]:
    value = answers.get(str(question.pk), answers.get(question.pk))  # type: ignore[call-overload]
    if value is None:
        return set()
    values = value if isinstance(value, list | tuple) else [value]
    chosen = set()
    for item in values:
        try:
            chosen.add(int(item))
        except (TypeError, ValueError):
            raise ValidationError({"answers": [_("Answers name the chosen answers by their ids.")]}) from None
    return chosen


@transaction.atomic
def quiz_attempt_submit(*, course: Course, volunteer: Any, answers: dict[str, Any]) -> QuizAttempt:
    """Grade a quiz. Passing grants the course's qualification (with its expiry) and,
    when the organization credits training, the course's hours once."""
    if not hasattr(volunteer, "volunteer"):
        raise ValidationError({"volunteer": [_("Register as a volunteer before taking a course.")]})
    course = Course.objects.select_related("qualification", "organization").get(pk=course.pk)
    if not course.is_published:
        raise ValidationError({"course": [_("This course is not open yet.")]})
    if not isinstance(answers, dict):
        raise ValidationError({"answers": [_("Answers name the chosen answers by their ids.")]})
    now = timezone.now()
    # The volunteer's row is the lock: two attempts sent at once queue, so the second one
    # sees the first and the cooldown holds (and the grant and credit happen once).
    get_user_model().objects.select_for_update().filter(pk=volunteer.pk).first()
    last = QuizAttempt.objects.filter(course=course, volunteer=volunteer).order_by("-created_at").first()
    cooldown = dt.timedelta(minutes=_rules()["QUIZ_RETAKE_COOLDOWN_MINUTES"])
    if last is not None and last.created_at + cooldown > now:
        raise Conflict(
            _("You can take this quiz again from %(time)s.")
            % {"time": f"{timezone.localtime(last.created_at + cooldown):%Y-%m-%d %H:%M}"},
            code="cooldown",
        )
    questions = list(course.questions.prefetch_related("choices"))
    if not questions:
        raise ValidationError({"course": [_("This course has no quiz yet.")]})
    known = {str(q.pk) for q in questions}
    if any(str(key) not in known for key in answers):
        raise ValidationError({"answers": [_("An answer names a question that is not in this quiz.")]})
    correct_count = 0
    recorded: dict[str, list[int]] = {}
    for question in questions:
        chosen = _chosen(answers, question)
        choice_ids = {c.pk for c in question.choices.all()}
        if not chosen <= choice_ids:
            raise ValidationError({"answers": [_("An answer is not one of the question's answers.")]})
        if question.kind == QuestionKind.SINGLE and len(chosen) > 1:
            raise ValidationError({"answers": [_("Choose one answer for “%(question)s”.") % {"question": question}]})
        recorded[str(question.pk)] = sorted(chosen)
        if chosen == {c.pk for c in question.choices.all() if c.is_correct}:
            correct_count += 1
    score = round(100 * correct_count / len(questions))
    attempt = QuizAttempt.objects.create(
        course=course, volunteer=volunteer, answers=recorded, correct_count=correct_count,
        question_count=len(questions), score=score, is_passed=score >= course.pass_mark, created_at=now,
    )
    if attempt.is_passed:
        _grant_qualification(course=course, volunteer=volunteer, now=now)
        _credit_training(course=course, volunteer=volunteer, now=now)
    return attempt


def _grant_qualification(*, course: Course, volunteer: Any, now: dt.datetime) -> None:
    qualification = course.qualification
    if qualification is None:
        return
    expires_at = now + dt.timedelta(days=qualification.valid_days) if qualification.valid_days else None
    VolunteerQualification.objects.update_or_create(
        user=volunteer, qualification=qualification,
        defaults={"granted_at": now, "expires_at": expires_at, "source": f"course:{course.pk}"},
    )


def _credit_training(*, course: Course, volunteer: Any, now: dt.datetime) -> None:
    if course.credit_hours <= 0:
        return
    record = ledger.record_create(
        volunteer=volunteer,
        organization=course.organization,
        started_at=now - dt.timedelta(hours=float(course.credit_hours)),
        ended_at=now,
        hours=course.credit_hours,
        source="training",
        created_by=course.created_by,
        note=str(course)[:200],
        idempotency_key=f"training-course:{course.pk}:volunteer:{volunteer.pk}",
    )
    if record.status == RecordStatus.PENDING:
        # The organization decided in advance, by setting the course's hours, that a pass
        # is worth them; the course's author stands as the approver.
        ledger.record_approve(record=record, approver=course.created_by)
