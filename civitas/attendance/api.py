"""Check-in and check-out over the API (DESIGN.md: POST /api/v1/shifts/{id}/checkins,
/checkouts). ``{"code"}`` is the shift's rotating code scanned by the volunteer;
``{"volunteer"}`` is a volunteer number or personal code given by the organizer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from civitas.attendance import permissions, selectors, services, tokens
from civitas.attendance.models import CheckMethod
from civitas.core.api import ErrorOut, token_auth

router = Router(tags=["attendance"])


class CheckIn(Schema):
    idempotency_key: str
    volunteer: str | None = None
    code: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    override_reason: str = ""
    occurred_at: dt.datetime | None = None


class AttendanceOut(Schema):
    id: int
    shift_id: int
    volunteer_id: int
    checked_in_at: dt.datetime
    checked_out_at: dt.datetime | None
    record_id: int | None
    replayed: bool
    distance_m: int | None


def _resolve(request: HttpRequest, shift_id: int, payload: CheckIn) -> tuple:  # type: ignore[type-arg]
    shift = selectors.get_shift(shift_id)
    user = request.auth
    if payload.code:
        if tokens.shift_from_code(payload.code) != shift.pk:
            raise ValidationError({"code": [_("This code is not valid now: scan the code shown at the shift.")]})
        return shift, user, CheckMethod.SHIFT_QR
    if not payload.volunteer:
        raise ValidationError({"volunteer": [_("Give a volunteer or a code.")]})
    if not permissions.can_run_attendance(user, shift):
        raise PermissionDenied(_("Only the shift's organizers check others in."))
    volunteer, scanned = selectors.volunteer_for_code(payload.volunteer)
    if volunteer is None:
        raise ValidationError({"volunteer": [_("No volunteer has this number or code.")]})
    return shift, volunteer, CheckMethod.PERSONAL_QR if scanned else CheckMethod.ROSTER


def _out(result: services.CheckResult) -> dict:  # type: ignore[type-arg]
    a = result.attendance
    return {
        "id": a.pk, "shift_id": a.shift_id, "volunteer_id": a.volunteer_id, "checked_in_at": a.checked_in_at,
        "checked_out_at": a.checked_out_at, "record_id": a.record_id, "replayed": not result.is_new,
        "distance_m": result.distance_m,
    }


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post("/shifts/{shift_id}/checkins", response={201: AttendanceOut, 200: AttendanceOut, **ERRORS}, auth=token_auth)
def check_in(request: HttpRequest, shift_id: int, payload: CheckIn):  # type: ignore[no-untyped-def]
    if payload.code:
        # The volunteer's own scan, the marathon-morning path: no shift fetched here, the
        # service reads what it needs in the check-in's own query (docs/performance.md).
        result = services.attendance_check_in_with_code(
            shift_id=shift_id, code=payload.code, volunteer=request.auth, idempotency_key=payload.idempotency_key,
            latitude=payload.latitude, longitude=payload.longitude, occurred_at=payload.occurred_at,
        )
        return Status(201 if result.is_new else 200, _out(result))
    shift, volunteer, method = _resolve(request, shift_id, payload)
    result = services.attendance_check_in(
        shift=shift, volunteer=volunteer, method=method, idempotency_key=payload.idempotency_key, actor=request.auth,
        latitude=payload.latitude, longitude=payload.longitude, override_reason=payload.override_reason,
        occurred_at=payload.occurred_at,
    )
    return Status(201 if result.is_new else 200, _out(result))


@router.post("/shifts/{shift_id}/checkouts", response={201: AttendanceOut, 200: AttendanceOut, **ERRORS}, auth=token_auth)
def check_out(request: HttpRequest, shift_id: int, payload: CheckIn):  # type: ignore[no-untyped-def]
    shift, volunteer, method = _resolve(request, shift_id, payload)
    result = services.attendance_check_out(
        shift=shift, volunteer=volunteer, method=method, idempotency_key=payload.idempotency_key, actor=request.auth,
        latitude=payload.latitude, longitude=payload.longitude, occurred_at=payload.occurred_at,
    )
    return Status(201 if result.is_new else 200, _out(result))
