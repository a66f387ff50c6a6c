from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core.actions import run_action
from civitas.core.errors import Conflict
from civitas.core.forms import apply_service_errors
from civitas.core.pagination import paginate
from civitas.ledger import certificates, imports, permissions, rules, selectors, services
from civitas.ledger.forms import (
    AnswerForm,
    AppealForm,
    CertificateForm,
    CorrectionForm,
    DecisionForm,
    ImportForm,
    MissingHoursForm,
    RevokeForm,
    VerifyForm,
)
from civitas.ledger.models import Appeal, Certificate, RecordStatus
from civitas.organizations.models import Organization
from civitas.organizations.permissions import staff_roles_by_organization, watched_region


def _error_text(error: Exception) -> str:
    if isinstance(error, Conflict):
        return error.message
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not do this.")


@login_required
def my_hours(request: HttpRequest) -> HttpResponse:
    form = CertificateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            certificate = certificates.certificate_issue(volunteer=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your certificate %(code)s is ready.") % {"code": certificate.code})
            return redirect("ledger:certificate_pdf", code=certificate.code)
    summary = selectors.hours_summary(request.user)
    return render(
        request,
        "ledger/my_hours.html",
        {
            "summary": summary,
            "stars": "★" * summary.star_level,
            "page": paginate(request, selectors.my_records(request.user)),
            "certificates": selectors.my_certificates(request.user)[:10],
            "form": form,
        },
    )


@login_required
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.get_record_for_user(request.user, pk)
    appeal = Appeal.objects.filter(record=record).first()
    return render(
        request,
        "ledger/record_detail.html",
        {
            "record": record,
            "flags": [rules.rule_label(code) for code in record.flags],
            "events": record.events.select_related("actor"),
            "corrections": record.corrections.order_by("pk"),
            "appeal": appeal,
            "can_decide": record.status == RecordStatus.PENDING and permissions.can_decide_record(request.user, record),
            "can_correct": record.status == RecordStatus.APPROVED and not record.corrects_id
            and permissions.can_correct_record(request.user, record),
            "can_appeal": record.status == RecordStatus.REJECTED and record.volunteer_id == request.user.pk
            and appeal is None,
            "decision_form": DecisionForm(),
            "correction_form": CorrectionForm(initial={"hours": record.hours}),
            "appeal_form": AppealForm(),
        },
    )


@login_required
@require_POST
def record_decide(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.get_record_for_user(request.user, pk)
    if not permissions.can_decide_record(request.user, record):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
    else:
        try:
            if form.cleaned_data["action"] == "approve":
                services.record_approve(record=record, approver=request.user)
            else:
                services.record_reject(record=record, approver=request.user, reason=form.cleaned_data["reason"])
        except (ValidationError, Conflict) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The decision is saved."))
    return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/") else
                    reverse("ledger:record", args=[pk]))


@login_required
@require_POST
def record_correct(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.get_record_for_user(request.user, pk)
    if not permissions.can_correct_record(request.user, record):
        raise PermissionDenied
    form = CorrectionForm(request.POST)
    if form.is_valid():
        run_action(
            request, lambda: services.record_correct(record=record, actor=request.user, **form.cleaned_data),
            _("The correction is entered in the ledger."),
        )
    else:
        messages.error(request, _("Give the correct hours and a reason."))
    return redirect("ledger:record", pk=pk)


@login_required
@require_POST
def record_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.get_record_for_user(request.user, pk)
    if record.volunteer_id != request.user.pk:
        raise PermissionDenied
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_create(record=record, volunteer=request.user, reason=form.cleaned_data["reason"])
        except (ValidationError, Conflict, PermissionDenied) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Your appeal is sent. You will get an answer with a reason."))
    else:
        messages.error(request, _("Say why the record should be credited."))
    return redirect("ledger:record", pk=pk)


@login_required
def missing_hours(request: HttpRequest) -> HttpResponse:
    from civitas.projects.models import Shift

    shifts = (
        Shift.objects.filter(signups__volunteer=request.user, starts_at__lte=timezone.now())
        .select_related("project").distinct().order_by("-starts_at")[:100]
    )
    form = MissingHoursForm(request.POST or None, shifts=Shift.objects.filter(pk__in=[s.pk for s in shifts]))
    if request.method == "POST" and form.is_valid():
        try:
            services.missing_hours_report(volunteer=request.user, **form.cleaned_data)
        except (ValidationError, Conflict) as error:
            if isinstance(error, ValidationError):
                apply_service_errors(form, error)
            else:
                form.add_error(None, error.message)
        else:
            messages.success(request, _("Your report is sent to the committee. You will get an answer with a reason."))
            return redirect("ledger:my_hours")
    return render(request, "core/form.html", {
        "form": form, "title": _("Report missing hours"), "submit_label": _("Send the report"),
        "intro": _("Served on a shift but no hours were recorded? Report it once, with what happened."),
    })


def _queue(request: HttpRequest, *, committee: bool) -> HttpResponse:
    if not permissions.can_review_hours(request.user):
        raise PermissionDenied
    records = selectors.review_queue(request.user)
    if committee:
        if watched_region(request.user) is None:
            raise PermissionDenied
        region = watched_region(request.user)
        records = records.filter(region__path__startswith=region.path).exclude(review_level="organization", flags=[])
    else:
        records = records.filter(organization_id__in=list(staff_roles_by_organization(request.user)))
    page = paginate(request, records)
    for record in page:
        record.flag_labels = [rules.rule_label(code) for code in record.flags]
        record.can_decide = permissions.can_decide_record(request.user, record)
    appeals = list(selectors.open_appeals_for(request.user)) if committee else []
    for appeal in appeals:
        appeal.can_answer = permissions.can_answer_appeal(request.user, appeal)
    return render(request, "ledger/review_queue.html", {
        "page": page, "committee": committee, "appeals": appeals, "answer_form": AnswerForm(),
    })


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    return _queue(request, committee=False)


@login_required
def committee_queue(request: HttpRequest) -> HttpResponse:
    return _queue(request, committee=True)


@login_required
@require_POST
def appeal_answer(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = selectors.get_appeal_for_user(request.user, pk)
    if not permissions.can_answer_appeal(request.user, appeal):
        raise PermissionDenied
    form = AnswerForm(request.POST)
    if form.is_valid():
        run_action(
            request, lambda: services.appeal_answer(appeal=appeal, actor=request.user, **form.cleaned_data),
            _("The answer is sent to the volunteer."),
        )
    else:
        messages.error(request, _("Choose a decision and give a reason."))
    return redirect("ledger:committee_queue")


@login_required
@require_POST
def shift_approve(request: HttpRequest, shift_id: int) -> HttpResponse:
    from civitas.projects.models import Shift

    shift = get_object_or_404(Shift.objects.select_related("project__organization"), pk=shift_id)
    if shift.project.organization_id not in staff_roles_by_organization(request.user):
        raise Http404
    count = services.shift_records_approve(shift=shift, approver=request.user)
    messages.success(request, _("%(count)s records approved; flagged records wait in the review queue.") % {"count": count})
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") else reverse("ledger:review_queue"))


@login_required
def records_import(request: HttpRequest) -> HttpResponse:
    organizations = Organization.objects.filter(pk__in=list(staff_roles_by_organization(request.user)))
    if not organizations.exists():
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, organizations=organizations)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = imports.records_import(
                organization=form.cleaned_data["organization"], uploader=request.user, name=upload.name,
                content=upload.read(), skip_bad_rows=form.cleaned_data["skip_bad_rows"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
    return render(request, "ledger/import.html", {"form": form, "report": report})


@login_required
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    certificate = Certificate.objects.select_related("volunteer__volunteer").filter(code=code, volunteer=request.user).first()
    if certificate is None:
        raise Http404
    if not certificates.signature_is_valid(certificate):
        # A damaged row is not printed as a certificate: its page says the signature fails.
        messages.error(request, _("This certificate's signature does not verify; it cannot be printed."))
        return redirect("ledger:certificate_verify", code=certificate.code)
    url = request.build_absolute_uri(reverse("ledger:certificate_verify", args=[certificate.code]))
    response = HttpResponse(certificates.certificate_pdf(certificate, verify_url=url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


def certificate_lookup(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("ledger:certificate_verify", code=form.cleaned_data["code"].strip().upper())
    return render(request, "ledger/certificate_lookup.html", {"form": form})


def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    certificate = Certificate.objects.filter(code=code.strip().upper()).first()
    if certificate is None:
        return render(request, "ledger/certificate_verify.html", {"certificate": None, "code": code}, status=404)
    facts = certificates.payload_facts(certificate)
    return render(request, "ledger/certificate_verify.html", {
        "certificate": certificate,
        "facts": facts,
        "signature_valid": certificates.signature_is_valid(certificate),
        "can_revoke": not certificate.is_revoked and permissions.can_revoke_certificate(request.user, certificate),
        "revoke_form": RevokeForm(),
    })


@login_required
@require_POST
def certificate_revoke(request: HttpRequest, code: str) -> HttpResponse:
    certificate = get_object_or_404(Certificate.objects.select_related("volunteer__volunteer"), code=code)
    if not permissions.can_revoke_certificate(request.user, certificate):
        raise PermissionDenied
    form = RevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run_action(
        request, lambda: certificates.certificate_revoke(certificate=certificate, actor=request.user, reason=reason),
        _("The certificate is revoked."),
    )
    return redirect("ledger:certificate_verify", code=code)


def public_key(request: HttpRequest) -> HttpResponse:
    return HttpResponse(certificates.public_key_pem(), content_type="application/x-pem-file")
