from __future__ import annotations

import io
import json
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from civitas.attendance import permissions, selectors, services, tokens
from civitas.attendance.models import Attendance, CheckMethod
from civitas.core.errors import Conflict
from civitas.core.masking import mask_name


def _error_text(error: Exception) -> str:
    if isinstance(error, Conflict):
        return error.message
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def qr_svg(data: str, scale: int = 6) -> str:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="svg", scale=scale, xmldecl=False, svgns=True, border=2,
                                     title=_("QR code"))
    return buffer.getvalue().decode()


def _new_key() -> str:
    return uuid.uuid4().hex


def _run(shift: Any, user: Any) -> None:
    if not permissions.can_run_attendance(user, shift):
        raise PermissionDenied


@login_required
def shift_list(request: HttpRequest) -> HttpResponse:
    return render(request, "attendance/shift_list.html", {"shifts": selectors.organizer_shifts(request.user)})


@login_required
def roster(request: HttpRequest, shift_id: int) -> HttpResponse:
    shift = selectors.get_shift_for_organizer(request.user, shift_id)
    kiosk_url = None
    can_run = permissions.can_run_attendance(request.user, shift)
    if can_run and request.GET.get("kiosk"):
        kiosk_url = request.build_absolute_uri(reverse("attendance:kiosk", args=[tokens.kiosk_token(shift.pk)]))
    rows = selectors.roster(shift)
    return render(request, "attendance/roster.html", {
        "shift": shift, "rows": rows, "can_run": can_run, "kiosk_url": kiosk_url, "new_key": _new_key(),
        "checked_in": sum(1 for r in rows if r["attendance"] and r["attendance"].is_open),
        "checked_out": sum(1 for r in rows if r["attendance"] and not r["attendance"].is_open),
        "no_show_warning": settings.CIVITAS["NO_SHOW_WARNING"],
    })


def _row_response(request: HttpRequest, shift: Any, signup_id: int, error: str = "") -> HttpResponse:
    return render(request, "attendance/roster_row.html", {
        "shift": shift, "row": selectors.roster_row(shift, signup_id), "can_run": True, "new_key": _new_key(),
        "error": error, "no_show_warning": settings.CIVITAS["NO_SHOW_WARNING"],
    })


@login_required
@require_POST
def roster_tick(request: HttpRequest, shift_id: int, signup_id: int) -> HttpResponse:
    shift = selectors.get_shift_for_organizer(request.user, shift_id)
    _run(shift, request.user)
    signup = selectors.roster_row(shift, signup_id)["signup"]
    action = request.POST.get("action")
    error = ""
    try:
        if action == "check_in":
            services.attendance_check_in(
                shift=shift, volunteer=signup.volunteer, method=CheckMethod.ROSTER, actor=request.user,
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
        elif action == "check_out":
            services.attendance_check_out(
                shift=shift, volunteer=signup.volunteer, method=CheckMethod.ROSTER, actor=request.user,
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
        else:
            error = _("Choose check-in or check-out.")
    except (ValidationError, Conflict) as exc:
        error = _error_text(exc)
    if request.htmx:
        return _row_response(request, shift, signup_id, error)
    if error:
        messages.error(request, error)
    return redirect("attendance:roster", shift_id=shift.pk)


@login_required
@require_POST
def organizer_scan(request: HttpRequest, shift_id: int) -> HttpResponse:
    """The organizer scans a volunteer's personal code (a scanner types it into the
    field) or types a volunteer number; an override reason admits someone the geofence
    refused."""
    shift = selectors.get_shift_for_organizer(request.user, shift_id)
    _run(shift, request.user)
    volunteer, scanned = selectors.volunteer_for_code(request.POST.get("code", ""))
    if volunteer is None:
        messages.error(request, _("No volunteer has this number or code."))
        return redirect("attendance:roster", shift_id=shift.pk)
    method = CheckMethod.PERSONAL_QR if scanned else CheckMethod.ROSTER
    override = request.POST.get("override_reason", "").strip()
    try:
        if request.POST.get("action") == "check_out":
            services.attendance_check_out(shift=shift, volunteer=volunteer, method=method, actor=request.user,
                                          idempotency_key=request.POST.get("idempotency_key", ""))
            messages.success(request, _("%(name)s is checked out.") % {"name": volunteer})
        else:
            services.attendance_check_in(
                shift=shift, volunteer=volunteer, method=CheckMethod.SHIFT_QR if override else method,
                actor=request.user, idempotency_key=request.POST.get("idempotency_key", ""),
                override_reason=override,
            )
            messages.success(request, _("%(name)s is checked in.") % {"name": volunteer})
    except (ValidationError, Conflict) as error:
        messages.error(request, _error_text(error))
    return redirect("attendance:roster", shift_id=shift.pk)


@login_required
def shift_code(request: HttpRequest, shift_id: int) -> HttpResponse:
    """The rotating code shown on a screen at the shift; the image refreshes in place."""
    shift = selectors.get_shift_for_organizer(request.user, shift_id)
    _run(shift, request.user)
    return render(request, "attendance/shift_code.html", {"shift": shift, **_code_context(request, shift)})


@login_required
def shift_code_fragment(request: HttpRequest, shift_id: int) -> HttpResponse:
    shift = selectors.get_shift_for_organizer(request.user, shift_id)
    _run(shift, request.user)
    return render(request, "attendance/shift_code_fragment.html", {"shift": shift, **_code_context(request, shift)})


def _code_context(request: HttpRequest, shift: Any) -> dict[str, Any]:
    code = tokens.shift_code(shift.pk)
    url = request.build_absolute_uri(reverse("attendance:scan", args=[code]))
    return {"svg": qr_svg(url, scale=8), "code": code, "seconds_left": tokens.shift_code_seconds_left()}


@login_required
def shift_code_svg(request: HttpRequest, shift_id: int) -> HttpResponse:
    shift = selectors.get_shift_for_organizer(request.user, shift_id)
    _run(shift, request.user)
    svg = _code_context(request, shift)["svg"]
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@login_required
def scan(request: HttpRequest, code: str) -> HttpResponse:
    """Where the phone lands after scanning the shift's code."""
    shift_id = tokens.shift_from_code(code)
    if shift_id is None:
        return render(request, "attendance/scan.html", {"expired": True}, status=400)
    shift = selectors.get_shift(shift_id)
    attendance = Attendance.objects.filter(shift=shift, volunteer=request.user).first()
    if request.method == "POST":
        try:
            latitude = Decimal(request.POST["latitude"]) if request.POST.get("latitude") else None
            longitude = Decimal(request.POST["longitude"]) if request.POST.get("longitude") else None
        except InvalidOperation:
            latitude = longitude = None
        key = request.POST.get("idempotency_key", "")
        try:
            if attendance is None:
                services.attendance_check_in(shift=shift, volunteer=request.user, method=CheckMethod.SHIFT_QR,
                                             actor=request.user, idempotency_key=key, latitude=latitude,
                                             longitude=longitude)
                messages.success(request, _("You are checked in. Thank you for serving!"))
            elif attendance.is_open:
                services.attendance_check_out(shift=shift, volunteer=request.user, method=CheckMethod.SHIFT_QR,
                                              actor=request.user, idempotency_key=key, latitude=latitude,
                                              longitude=longitude)
                messages.success(request, _("You are checked out. Your hours wait for the organizer's approval."))
        except (ValidationError, Conflict) as error:
            messages.error(request, _error_text(error))
        return redirect("attendance:scan", code=code)
    return render(request, "attendance/scan.html", {
        "shift": shift, "attendance": attendance, "new_key": _new_key(), "expired": False,
        "needs_location": bool(shift.geofence_radius_m and shift.latitude is not None),
    })


@login_required
def my_code(request: HttpRequest) -> HttpResponse:
    profile = getattr(request.user, "volunteer", None)
    if profile is None:
        raise Http404
    return render(request, "attendance/my_code.html", {
        "svg": qr_svg(tokens.personal_code(profile.volunteer_number), scale=8), "profile": profile,
    })


def kiosk(request: HttpRequest, token: str) -> HttpResponse:
    """A tablet at the door: volunteers type their number. It works offline: events wait
    in localStorage and are replayed with their idempotency keys."""
    shift_id = tokens.shift_from_kiosk_token(token)
    if shift_id is None:
        raise Http404
    shift = selectors.get_shift(shift_id)
    strings = {
        "queued": _("Saved on this tablet; it will be sent when the network is back."),
        "checked_in": _("Checked in: %(name)s"),
        "checked_out": _("Checked out: %(name)s"),
        "already": _("Already recorded: %(name)s"),
        "waiting": _("Waiting to send: %(count)s"),
        "empty": _("Type your volunteer number."),
    }
    return render(request, "attendance/kiosk.html", {
        "shift": shift, "events_url": reverse("attendance:kiosk_events", args=[token]),
        "strings": strings,
    })


@csrf_exempt  # the signed kiosk link is the credential; the tablet has no session
@require_POST
def kiosk_events(request: HttpRequest, token: str) -> JsonResponse:
    shift_id = tokens.shift_from_kiosk_token(token)
    if shift_id is None:
        return JsonResponse({"error": {"code": "not_found", "message": _("This kiosk link is not valid.")}}, status=404)
    shift = selectors.get_shift(shift_id)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = {}
    volunteer, _scanned = selectors.volunteer_for_code(str(body.get("volunteer", "")))
    if volunteer is None:
        return JsonResponse({"error": {"code": "invalid", "message": _("No volunteer has this number.")}}, status=422)
    occurred_at = parse_datetime(str(body.get("occurred_at") or "")) if body.get("occurred_at") else None
    arguments = {"shift": shift, "volunteer": volunteer, "method": CheckMethod.KIOSK,
                 "idempotency_key": f"kiosk:{body.get('idempotency_key', '')}" if body.get("idempotency_key") else "",
                 "occurred_at": occurred_at}
    try:
        if body.get("action") == "check_out":
            result = services.attendance_check_out(**arguments)
        else:
            result = services.attendance_check_in(**arguments)
    except ValidationError as error:
        return JsonResponse({"error": {"code": "invalid", "message": _error_text(error)}}, status=422)
    except Conflict as error:
        return JsonResponse({"error": {"code": error.code, "message": error.message}}, status=409)
    profile = getattr(volunteer, "volunteer", None)
    return JsonResponse({
        # A tablet in a public place shows the masked name only.
        "name": mask_name(profile.real_name) if profile else "",
        "replayed": not result.is_new,
        "checked_out": result.attendance.checked_out_at is not None,
        "at": timezone.localtime(result.attendance.checked_out_at or result.attendance.checked_in_at).strftime("%H:%M"),
    }, status=201 if result.is_new else 200)
