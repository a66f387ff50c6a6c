from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core.errors import Conflict
from civitas.core.forms import apply_service_errors
from civitas.core.pagination import paginate
from civitas.online import evidence, permissions, selectors, services
from civitas.online.forms import EvidenceForm, QuizForm, ReviewForm, TaskFilterForm, TaskForm
from civitas.online.models import Submission
from civitas.organizations.models import Organization, Region, RegionLevel
from civitas.organizations.permissions import can_view_organization, staff_roles_by_organization


def _error_text(error: ValidationError | Conflict) -> str:
    return error.message if isinstance(error, Conflict) else " ".join(error.messages)


def task_list(request: HttpRequest) -> HttpResponse:
    filters = TaskFilterForm(request.GET or None)
    kind = filters.cleaned_data.get("kind", "") if filters.is_valid() else ""
    tasks = selectors.task_list(user=request.user, kind=kind)
    return render(
        request,
        "online/task_list.html",
        {"filters": filters, "page": paginate(request, tasks), "can_publish": permissions.can_review_any(request.user)},
    )


def task_detail(request: HttpRequest, pk: int, form: EvidenceForm | None = None) -> HttpResponse:
    task = selectors.get_task_for_user(request.user, pk)
    mine = list(selectors.submissions_of(user=request.user, task=task)) if request.user.is_authenticated else []
    open_claim = next((s for s in mine if s.is_open_claim), None)
    return render(
        request,
        "online/task_detail.html",
        {
            "task": task,
            "mine": mine,
            "open_claim": open_claim,
            "form": form or EvidenceForm(task=task),
            "is_qualified": selectors.holds(user=request.user, qualification_id=task.qualification_id),
            "can_manage": permissions.can_manage_task(request.user, task),
        },
        status=422 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def task_claim(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_task_for_user(request.user, pk)
    try:
        services.task_claim(task=task, volunteer=request.user)
    except (ValidationError, Conflict) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The task is yours. Do the work, then send the evidence."))
    return redirect("online:task_detail", pk=pk)


@login_required
@require_POST
def task_submit(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_task_for_user(request.user, pk)
    form = EvidenceForm(request.POST, request.FILES, task=task)
    if form.is_valid():
        try:
            services.submission_submit(task=task, volunteer=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you. The organization will review your evidence."))
            return redirect("online:task_detail", pk=pk)
    return task_detail(request, pk, form=form)


@login_required
@require_POST
def claim_release(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_object_or_404(Submission, pk=pk, volunteer=request.user)
    try:
        services.claim_release(submission=submission, actor=request.user)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The claim is released."))
    return redirect("online:task_detail", pk=submission.task_id)


@login_required
def task_create(request: HttpRequest) -> HttpResponse:
    organizations = list(staff_roles_by_organization(request.user).keys())
    if not organizations:
        raise PermissionDenied(_("Only organization staff publish online tasks."))
    form = TaskForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_create(created_by=request.user, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error("project", str(error))
        else:
            messages.success(request, _("The task is published."))
            return redirect("online:task_detail", pk=task.pk)
    return render(
        request,
        "core/form.html",
        {"form": form, "title": _("Publish an online task"), "submit_label": _("Publish"),
         "intro": _("Volunteers claim the task, send the evidence you ask for, and your staff review it.")},
    )


@login_required
def my_submissions(request: HttpRequest) -> HttpResponse:
    return render(request, "online/my_submissions.html", {"page": paginate(request, selectors.submissions_of(user=request.user))})


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if not permissions.can_review_any(request.user):
        raise PermissionDenied(_("Only organization staff review online submissions."))
    return render(
        request,
        "online/review_queue.html",
        {"page": paginate(request, selectors.review_queue(user=request.user)), "form": ReviewForm()},
    )


@login_required
@require_POST
def submission_review(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.get_submission_for_user(request.user, pk)
    form = ReviewForm(request.POST)
    error_text = ""
    status = 200
    if not form.is_valid():
        error_text, status = _("Choose accept or reject."), 422
    else:
        try:
            submission = services.submission_review(submission=submission, reviewer=request.user, **form.cleaned_data)
        except ValidationError as error:
            error_text, status = _error_text(error), 422
        except Conflict as error:
            error_text, status = error.message, 409
        except PermissionDenied as error:
            error_text, status = str(error), 403
    if request.htmx:
        submission.refresh_from_db()
        return render(
            request, "online/_review_card.html", {"submission": submission, "form": form, "error": error_text},
            status=200 if status != 403 else 403,
        )
    if status == 403:
        # Someone who may see the evidence but not decide on it (the volunteer, committee
        # staff): no redirect into a review queue that is not theirs.
        raise PermissionDenied(error_text)
    if error_text:
        messages.error(request, error_text)
    else:
        messages.success(request, _("The review is saved."))
    return redirect("online:review_queue")


@login_required
def submission_image(request: HttpRequest, pk: int) -> FileResponse:
    submission = selectors.get_submission_for_user(request.user, pk)
    if not submission.image:
        raise Http404
    extension = submission.image.name.rsplit(".", 1)[-1].lower()
    content_type = evidence.CONTENT_TYPES.get(extension)
    if content_type is None:
        raise Http404
    # Served with the type Pillow found, never sniffed, never as HTML.
    response = FileResponse(submission.image.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="evidence-{submission.pk}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- Training --------------------------------------------------------------------------


def course_list(request: HttpRequest) -> HttpResponse:
    return render(request, "online/course_list.html", {"page": paginate(request, selectors.course_list(user=request.user))})


def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.get_course_for_user(request.user, pk)
    attempts = list(selectors.attempts_of(user=request.user, course=course)[:5]) if request.user.is_authenticated else []
    return render(
        request,
        "online/course_detail.html",
        {"course": course, "lessons": selectors.lessons_of(course), "attempts": attempts,
         "is_qualified": course.qualification_id and selectors.holds(user=request.user, qualification_id=course.qualification_id)},
    )


def lesson_detail(request: HttpRequest, pk: int, lesson_pk: int) -> HttpResponse:
    course = selectors.get_course_for_user(request.user, pk)
    lessons = list(selectors.lessons_of(course))
    position = next((index for index, lesson in enumerate(lessons) if lesson.pk == lesson_pk), None)
    if position is None:
        raise Http404
    return render(
        request,
        "online/lesson_detail.html",
        {"course": course, "lesson": lessons[position],
         "previous": lessons[position - 1] if position > 0 else None,
         "next": lessons[position + 1] if position + 1 < len(lessons) else None},
    )


def lesson_attachment(request: HttpRequest, pk: int, lesson_pk: int) -> FileResponse:
    course = selectors.get_course_for_user(request.user, pk)
    lesson = get_object_or_404(course.lessons, pk=lesson_pk)
    if not lesson.attachment:
        raise Http404
    # Always a download, so an uploaded HTML or SVG file never runs in the site's origin.
    response = FileResponse(
        lesson.attachment.open("rb"), as_attachment=True, filename=lesson.attachment_name or "attachment",
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def quiz(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.get_course_for_user(request.user, pk)
    questions = selectors.quiz_of(course)
    form = QuizForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            attempt = services.quiz_attempt_submit(course=course, volunteer=request.user, answers=form.answers())
        except (ValidationError, Conflict) as error:
            form.add_error(None, _error_text(error))
        else:
            return render(request, "online/quiz_result.html", {"course": course, "attempt": attempt})
    return render(request, "online/quiz.html", {"course": course, "form": form},
                  status=422 if form.errors else 200)


@login_required
def my_qualifications(request: HttpRequest) -> HttpResponse:
    return render(request, "online/my_qualifications.html", {"held": selectors.qualifications_of(user=request.user), "now": timezone.now()})


def participation(request: HttpRequest) -> HttpResponse:
    districts = Region.objects.filter(level=RegionLevel.DISTRICT).order_by("path")
    region = None
    region_id = request.GET.get("region", "")
    if region_id.isdigit():
        region = districts.filter(pk=int(region_id)).first()
    organization = None
    organization_id = request.GET.get("organization", "")
    if organization_id.isdigit():
        organization = Organization.objects.select_related("region").filter(pk=int(organization_id)).first()
        # The page names the organization: a pending or suspended one stays unknown to
        # those who may not see it.
        if organization is None or not can_view_organization(request.user, organization):
            raise Http404
    return render(
        request,
        "online/participation.html",
        {"figures": selectors.participation(region=region, organization=organization), "districts": districts,
         "region": region, "organization": organization},
    )
