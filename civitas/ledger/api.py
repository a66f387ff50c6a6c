"""Ledger endpoints: my hours, the scoped list of service records, approval, and the
public check of a certificate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from civitas.core.api import ErrorOut, Page, token_auth
from civitas.ledger import certificates, permissions, selectors, services
from civitas.ledger.models import Certificate, RecordStatus

router = Router(tags=["ledger"])
PAGE_SIZE = 50


class RecordOut(Schema):
    id: int
    volunteer_id: int
    organization_id: int
    project_id: int | None
    shift_id: int | None
    started_at: dt.datetime
    ended_at: dt.datetime
    hours: Decimal
    source: str
    status: str
    review_level: str
    flags: list[str]
    corrects_id: int | None
    decided_at: dt.datetime | None


class HoursOut(Schema):
    total_hours: Decimal
    year_hours: Decimal
    star_level: int
    next_threshold: Decimal | None
    records: list[RecordOut]


class RecordFilter(Schema):
    status: RecordStatus | None = None
    organization: int | None = None
    volunteer: int | None = None
    page: int = Field(1, ge=1, le=100_000)


class CertificateOut(Schema):
    code: str
    issuer: str
    volunteer: str
    period_start: dt.date
    period_end: dt.date
    hours: Decimal
    organizations: list[dict]
    projects: list[dict]
    issued_at: dt.datetime
    revoked: bool
    revoked_at: dt.datetime | None
    revoked_reason: str
    payload: str
    signature: str
    signature_valid: bool


@router.get("/me/hours", response={200: HoursOut, 401: ErrorOut}, auth=token_auth)
def my_hours(request: HttpRequest):  # type: ignore[no-untyped-def]
    summary = selectors.hours_summary(request.auth)
    return {
        "total_hours": summary.total_hours,
        "year_hours": summary.year_hours,
        "star_level": summary.star_level,
        "next_threshold": summary.next_threshold,
        "records": list(selectors.my_records(request.auth)[:PAGE_SIZE]),
    }


@router.get("/service-records", response={200: Page[RecordOut], 401: ErrorOut, 422: ErrorOut}, auth=token_auth)
def service_records(request: HttpRequest, filters: Query[RecordFilter]):  # type: ignore[no-untyped-def]
    unknown = sorted(set(request.GET) - set(RecordFilter.model_fields))
    if unknown:
        # A misspelt filter must not quietly answer every record.
        raise ValidationError({name or "__all__": [_("Unknown parameter.")] for name in unknown})
    queryset = selectors.records_visible_to(request.auth).order_by("-started_at", "-pk")
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.organization:
        queryset = queryset.filter(organization_id=filters.organization)
    if filters.volunteer:
        queryset = queryset.filter(volunteer_id=filters.volunteer)
    start = (filters.page - 1) * PAGE_SIZE
    return {"items": list(queryset[start : start + PAGE_SIZE]), "count": queryset.count()}


@router.post(
    "/service-records/{record_id}/approve",
    response={200: RecordOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=token_auth,
)
def approve(request: HttpRequest, record_id: int):  # type: ignore[no-untyped-def]
    record = selectors.get_record_for_user(request.auth, record_id)
    if not permissions.can_decide_record(request.auth, record):
        raise PermissionDenied
    return services.record_approve(record=record, approver=request.auth)


@router.get("/certificates/{code}", response={200: CertificateOut, 404: ErrorOut}, auth=None)
def certificate(request: HttpRequest, code: str):  # type: ignore[no-untyped-def]
    found = Certificate.objects.filter(code=code.strip().upper()).first()
    if found is None:
        raise Http404
    facts = certificates.payload_facts(found)
    return {
        "code": found.code,
        "issuer": str(facts.get("issuer", "")),
        "volunteer": str(facts.get("volunteer", "")),
        "period_start": found.period_start,
        "period_end": found.period_end,
        "hours": found.hours,
        "organizations": found.organizations,
        "projects": found.projects,
        "issued_at": found.issued_at,
        "revoked": found.is_revoked,
        "revoked_at": found.revoked_at,
        "revoked_reason": found.revoked_reason,
        "payload": found.payload,
        "signature": found.signature,
        "signature_valid": certificates.signature_is_valid(found),
    }
