from __future__ import annotations

import csv
import io
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core.errors import Conflict
from civitas.core.forms import apply_service_errors
from civitas.core.pagecache import visitor_page_cache
from civitas.core.pagination import paginate
from civitas.core.ratelimit import by_user, rate_limit
from civitas.core.text import localized
from civitas.organizations import permissions as org_permissions
from civitas.organizations.selectors import managed_organizations
from civitas.projects import calendars, permissions, selectors, services
from civitas.projects.cache import project_page_ttl, project_page_version
from civitas.projects.forms import (
    ProjectForm,
    ProjectSearchForm,
    ShiftCancelForm,
    ShiftForm,
    TransitionForm,
)
from civitas.projects.models import Shift, SignUp, SignUpStatus

MAP_LIMIT = 300
# The list counts no further than this and shows "1,000+" past it, rather than count
# every project a common word matches.
LIST_COUNT_LIMIT = 1000


def _error_text(error: Exception) -> str:
    if isinstance(error, Conflict):
        return error.message
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not do this.")


def _search_from(request: HttpRequest) -> tuple[ProjectSearchForm, selectors.ProjectSearch]:
    form = ProjectSearchForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    search = selectors.ProjectSearch(
        q=data.get("q") or "", category=data.get("category") or "", region=data.get("region"),
        date_from=data.get("date_from"), date_to=data.get("date_to"),
        skill=data["skill"].pk if data.get("skill") else None, near=data.get("near"), radius_km=data.get("radius_km"),
        open_only=bool(data.get("open_only")), sort=data.get("sort") or "",
    )
    return form, search


def project_list(request: HttpRequest) -> HttpResponse:
    form, search = _search_from(request)
    projects = selectors.project_search(user=request.user, search=search)
    page = paginate(request, projects, count_limit=LIST_COUNT_LIMIT)
    page.object_list = selectors.with_distances(list(page.object_list), search.near)
    prefetch_related_objects(page.object_list, "organization", "region")
    return render(request, "projects/list.html", {
        "filters": form, "page": page, "search": search,
        "can_propose": permissions.can_propose_projects(request.user),
        "recommendations": selectors.recommendations(user=request.user, limit=3) if request.GET.get("page") in (None, "1") and not request.GET.get("q") else [],
    })


def project_map(request: HttpRequest) -> HttpResponse:
    form, search = _search_from(request)
    search.located = True
    projects = list(selectors.project_search(user=request.user, search=search)[:MAP_LIMIT])
    markers = [
        {"lat": float(p.latitude), "lon": float(p.longitude), "title": localized(p, "title"),
         "url": reverse("projects:detail", args=[p.pk]), "status": p.get_status_display(),
         "category": p.get_category_display()}
        for p in projects
    ]
    return render(request, "projects/map.html", {
        "filters": form, "markers": markers, "count": len(markers),
        "tile_url": settings.CIVITAS.get("MAP_TILE_URL", ""),
        "tile_attribution": settings.CIVITAS.get("MAP_TILE_ATTRIBUTION", ""),
        "limit": MAP_LIMIT,
    })


@visitor_page_cache(key=lambda request, pk: f"projects:detail:{pk}:{project_page_version(pk)}", ttl=project_page_ttl)
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Visitors without a session get the page from the cache (a project they may see is
    a public one, and only 200s are kept); signed-in people get their own sign-up state."""
    project = selectors.get_project_for_user(request.user, pk)
    shifts = list(selectors.project_shifts(project=project))
    can_manage = permissions.can_manage_project(request.user, project)
    can_see_internals = permissions.can_view_project_internals(request.user, project)
    actions = [a for a in services.TRANSITIONS if services.transition_allowed(project, a, request.user)]
    return TemplateResponse(request, "projects/detail.html", {
        "project": project,
        "shift_views": selectors.shifts_with_eligibility(project=project, user=request.user, shifts=shifts),
        "can_manage": can_manage,
        "can_see_internals": can_see_internals,
        "editable": can_manage and project.status in services.EDITABLE_STATUSES,
        "events": project.events.select_related("actor__volunteer") if can_see_internals else [],
        "actions": actions,
        "transition_form": TransitionForm(),
        "is_volunteer": org_permissions.is_volunteer(request.user),
    })


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    organizations = managed_organizations(user=request.user).filter(status="approved")
    if not organizations.exists():
        raise PermissionDenied(_("Only staff of an approved organization can propose projects."))
    form = ProjectForm(request.POST or None, request.FILES or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organization = data.pop("organization")
        try:
            project = services.project_create(organization=organization, actor=request.user, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The draft is saved. Add shifts, then submit it for approval."))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "core/form.html", {
        "form": form, "title": _("Propose a project"), "submit_label": _("Save draft"),
        "intro": _("Projects are approved by the committee of their region before volunteers can sign up."),
    })


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_project_for_user(request.user, pk)
    if not permissions.can_manage_project(request.user, project):
        raise PermissionDenied(_("Only the organization's staff can change its projects."))
    initial = {name: getattr(project, name) for name in services.PROJECT_FIELDS if name != "cover_image"}
    form = ProjectForm(request.POST or None, request.FILES or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data or k == "cover_image"}
        if project.status not in services.EDITABLE_STATUSES:
            data = {k: v for k, v in data.items() if k.startswith("insur")}
        try:
            services.project_update(project=project, actor=request.user, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The project is saved."))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "core/form.html", {
        "form": form, "title": _("Change “%(title)s”") % {"title": localized(project, "title")},
        "intro": "" if project.status in services.EDITABLE_STATUSES
        else _("Only the insurance can be changed once a project is submitted."),
    })


@login_required
@require_POST
def project_transition(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_project_for_user(request.user, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the fields of this step."))
        return redirect("projects:detail", pk=pk)
    data = form.cleaned_data
    try:
        services.project_transition(
            project=project, actor=request.user, action=data["action"], reason=data["reason"], rating=data["rating"],
            summary=data["summary"], people_served=data["people_served"],
        )
    except (ValidationError, Conflict) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The project's status is updated."))
    if request.POST.get("from") == "queue":
        return redirect("projects:review_queue")
    return redirect("projects:detail", pk=pk)


@login_required
def shift_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_project_for_user(request.user, pk)
    if not permissions.can_manage_project(request.user, project):
        raise PermissionDenied(_("Only the organization's staff can manage its shifts."))
    form = ShiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        skills, qualifications = data.pop("skills"), data.pop("qualifications")
        weeks, weekdays = data.pop("weeks"), data.pop("weekdays")
        if not data.get("place_name"):
            data.pop("place_name")
        try:
            if weeks:
                deadline = data.pop("signup_deadline")
                hours_before = int((data["starts_at"] - deadline).total_seconds() // 3600) if deadline else 0
                made = services.shift_create_series(
                    project=project, actor=request.user, weeks=weeks, weekdays=weekdays, skills=skills,
                    qualifications=qualifications, deadline_hours_before=max(hours_before, 0), **data,
                )
            else:
                made = [services.shift_create(project=project, actor=request.user, skills=skills,
                                              qualifications=qualifications, **data)]
        except ValidationError as error:
            apply_service_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(count)d shift(s) added.") % {"count": len(made)})
            return redirect("projects:detail", pk=project.pk)
    return render(request, "core/form.html", {
        "form": form, "title": _("Add shifts to “%(title)s”") % {"title": localized(project, "title")},
        "submit_label": _("Add"),
    })


@login_required
def shift_edit(request: HttpRequest, pk: int) -> HttpResponse:
    shift = selectors.get_shift_for_user(request.user, pk)
    if not permissions.can_manage_project(request.user, shift.project):
        raise PermissionDenied(_("Only the organization's staff can manage its shifts."))
    initial = {name: getattr(shift, name) for name in services.SHIFT_FIELDS if name in ShiftForm.base_fields}
    initial.update(skills=list(shift.skills.all()), qualifications=list(shift.qualifications.all()))
    initial.update(starts_at=timezone.localtime(shift.starts_at), ends_at=timezone.localtime(shift.ends_at),
                   signup_deadline=timezone.localtime(shift.signup_deadline) if shift.signup_deadline else None)
    form = ShiftForm(request.POST or None, initial=initial)
    del form.fields["weeks"], form.fields["weekdays"]
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
        skills, qualifications = data.pop("skills", None), data.pop("qualifications", None)
        try:
            services.shift_update(shift=shift, actor=request.user, skills=skills, qualifications=qualifications, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The shift is saved."))
            return redirect("projects:detail", pk=shift.project_id)
    return render(request, "core/form.html", {
        "form": form, "title": _("Change the shift of %(start)s") % {
            "start": timezone.localtime(shift.starts_at).strftime("%Y-%m-%d %H:%M")},
    })


@login_required
@require_POST
def shift_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    shift = selectors.get_shift_for_user(request.user, pk)
    form = ShiftCancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reason": [_("Tell the volunteers why the shift is cancelled.")]})
        services.shift_cancel(shift=shift, actor=request.user, reason=form.cleaned_data["reason"])
    except (ValidationError, Conflict) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The shift is cancelled and everyone signed up is told."))
    return redirect("projects:detail", pk=shift.project_id)


@login_required
@require_POST
@rate_limit("signup", key=by_user)
def signup_create(request: HttpRequest, pk: int) -> HttpResponse:
    shift = selectors.get_shift_for_user(request.user, pk)
    try:
        signup = services.signup_create(shift=shift, volunteer=request.user)
    except (ValidationError, Conflict) as error:
        messages.error(request, _error_text(error))
    else:
        text = {
            SignUpStatus.CONFIRMED: _("You are signed up. See you there!"),
            SignUpStatus.PENDING: _("You are signed up; the organizer will confirm your place."),
            SignUpStatus.WAITLISTED: _("The shift is full; you are number %(position)d on the waitlist.")
            % {"position": signup.waitlist_position or 0},
        }[signup.status]
        messages.success(request, text)
    return redirect("projects:detail", pk=shift.project_id)


@login_required
@require_POST
def signup_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    signup = selectors.get_signup_for_user(request.user, pk)
    try:
        services.signup_cancel(signup=signup, actor=request.user, reason=request.POST.get("reason", "")[:300])
    except (ValidationError, Conflict) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The sign-up is cancelled."))
    if request.POST.get("from") == "roster":
        return redirect("projects:roster", pk=signup.shift_id)
    return redirect("projects:my_signups")


@login_required
def my_signups(request: HttpRequest) -> HttpResponse:
    token = selectors.calendar_token_of(request.user)
    feed_url = request.build_absolute_uri(reverse("projects:personal_calendar", args=[token.token])) if token else ""
    return render(request, "projects/my_signups.html", {
        "upcoming": selectors.signups_of(user=request.user),
        "past": selectors.signups_of(user=request.user, include_past=True).exclude(
            pk__in=selectors.signups_of(user=request.user).values("pk")
        ).order_by("-shift__starts_at")[:30],
        "feed_url": feed_url,
        "recommendations": selectors.recommendations(user=request.user),
    })


@login_required
@require_POST
def calendar_token(request: HttpRequest) -> HttpResponse:
    if request.POST.get("revoke"):
        services.calendar_token_revoke(user=request.user)
        messages.success(request, _("The calendar link no longer works."))
    else:
        services.calendar_token_issue(user=request.user)
        messages.success(request, _("Here is your new calendar link; the old one no longer works."))
    return redirect("projects:my_signups")


def personal_calendar(request: HttpRequest, token: str) -> HttpResponse:
    user = selectors.calendar_user(token)
    shifts = [s.shift for s in selectors.calendar_signups(user=user)]
    body = calendars.shifts_calendar(name=_("My volunteer shifts"), shifts=shifts, base_url=request.build_absolute_uri("/"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


def project_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_project_for_user(request.user, pk)
    shifts = list(project.shifts.select_related("project").exclude(status="cancelled"))
    body = calendars.shifts_calendar(name=localized(project, "title"), shifts=shifts, base_url=request.build_absolute_uri("/"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@login_required
def offer(request: HttpRequest, token: str) -> HttpResponse:
    signup = SignUp.objects.select_related("shift__project").filter(offer_token=token).first() if _is_uuid(token) else None
    if signup is None or signup.volunteer_id != request.user.pk:
        raise Http404
    if request.method == "POST":
        try:
            if request.POST.get("decline"):
                services.signup_cancel(signup=signup, actor=request.user)
                messages.success(request, _("You declined the place; it goes to the next in line."))
            else:
                services.offer_accept(token=signup.offer_token, volunteer=request.user)
                messages.success(request, _("The place is yours. See you there!"))
        except (Conflict, ValidationError) as error:
            messages.error(request, _error_text(error))
        return redirect("projects:my_signups")
    return render(request, "projects/offer.html", {"signup": signup})


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if not org_permissions.is_committee_staff(request.user):
        raise PermissionDenied(_("Only committee staff review projects."))
    return render(request, "projects/review_queue.html", {
        "page": paginate(request, selectors.projects_to_review(user=request.user)),
    })


def _roster_shift(request: HttpRequest, pk: int) -> Shift:
    shift = selectors.get_shift_for_user(request.user, pk)
    if not permissions.can_view_project_internals(request.user, shift.project):
        raise Http404
    return shift


@login_required
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    shift = _roster_shift(request, pk)
    signups = list(selectors.roster(shift=shift))
    visible = selectors.phone_visible_ids(user=request.user, shift=shift, volunteer_ids=[s.volunteer_id for s in signups])
    for signup in signups:
        signup.shown_mobile = signup.volunteer.mobile if signup.volunteer_id in visible else signup.volunteer.masked_mobile  # type: ignore[attr-defined]
    return render(request, "projects/roster.html", {
        "shift": shift, "project": shift.project, "signups": signups,
        "can_manage": permissions.can_manage_project(request.user, shift.project),
        "other_shifts": shift.project.shifts.exclude(pk=shift.pk).filter(status="open", ends_at__gt=timezone.now()),
        "started": shift.starts_at <= timezone.now(),
    })


@login_required
@require_POST
def roster_action(request: HttpRequest, pk: int) -> HttpResponse:
    signup = get_object_or_404(SignUp.objects.select_related("shift__project__organization"), pk=pk)
    shift = _roster_shift(request, signup.shift_id)
    to_shift = request.POST.get("to_shift") or None
    try:
        services.signup_roster_action(
            signup=signup, actor=request.user, action=request.POST.get("action", ""),
            reason=request.POST.get("reason", "")[:1000], to_shift_id=int(to_shift) if to_shift and to_shift.isdigit() else None,
        )
    except (ValidationError, Conflict) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The roster is updated."))
    return redirect("projects:roster", pk=shift.pk)


ROSTER_COLUMNS = ["volunteer_number", "name", "mobile", "status", "waitlist_position", "signed_up", "note"]


def _roster_rows(request: HttpRequest, shift: Shift) -> tuple[list[str], list[list[Any]]]:
    signups = list(selectors.roster(shift=shift))
    visible = selectors.phone_visible_ids(user=request.user, shift=shift, volunteer_ids=[s.volunteer_id for s in signups])
    header = [_("Volunteer number"), _("Name"), _("Mobile"), _("Status"), _("Waitlist position"), _("Signed up"), _("Note")]
    rows = []
    for signup in signups:
        profile = getattr(signup.volunteer, "volunteer", None)
        rows.append([
            profile.volunteer_number if profile else "",
            profile.real_name if profile else signup.volunteer.username,
            signup.volunteer.mobile if signup.volunteer_id in visible else signup.volunteer.masked_mobile,
            signup.get_status_display(),
            signup.waitlist_position or "",
            timezone.localtime(signup.created_at).strftime("%Y-%m-%d %H:%M"),
            signup.note,
        ])
    return header, rows


@login_required
def roster_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    shift = _roster_shift(request, pk)
    if not permissions.can_manage_project(request.user, shift.project):
        raise PermissionDenied(_("Only the organization's staff can export the roster."))
    header, rows = _roster_rows(request, shift)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    services.roster_export_record(shift=shift, actor=request.user, fmt=fmt, rows=len(rows))
    filename = f"roster-shift-{shift.pk}"
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
        writer = csv.writer(buffer)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_csv_safe(cell) for cell in row])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Roster")
        sheet.append(header)
        for row in rows:
            sheet.append([_csv_safe(cell) for cell in row])
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _csv_safe(value: Any) -> Any:
    """A cell starting with = + - @ would run as a formula in a spreadsheet."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value

