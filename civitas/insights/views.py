from __future__ import annotations

import tempfile
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core.forms import apply_service_errors
from civitas.insights import assessment, permissions, reports, selectors, services
from civitas.insights.forms import (
    AssessmentInputForm,
    CriterionForm,
    FundingForm,
    IndicatorForm,
    YearForm,
)
from civitas.insights.models import (
    AssessmentCriterion,
    AssessmentInput,
    AssessmentScore,
    Indicator,
    ProjectFunding,
)
from civitas.organizations.models import Organization
from civitas.projects.models import Project


def _year(request: HttpRequest) -> int:
    form = YearForm(request.GET or None)
    if form.is_valid() and form.cleaned_data.get("year"):
        return form.cleaned_data["year"]
    return timezone.localdate().year


@login_required
def index(request: HttpRequest) -> HttpResponse:
    scope = selectors.default_scope_for(request.user)
    if scope is None:
        raise PermissionDenied(_("Dashboards are for committee staff, auditors and organization staff."))
    return redirect(f"insights:{scope[0]}_dashboard", pk=scope[1])


def _chart_data(board: selectors.Dashboard) -> dict[str, Any]:
    """What the page's script draws; every label is translated here, on the server."""
    return {
        "months": [reports.month_label(m["month"]) for m in board.months],
        "hours": [float(m["hours"]) for m in board.months],
        "online_hours": [float(m["online_hours"]) for m in board.months],
        "new_volunteers": None if board.scope.is_organization else [m["new_volunteers"] for m in board.months],
        "status": [{"name": str(label), "value": n} for _v, label, n in board.status_counts],
        "category": [{"name": str(label), "value": n} for _v, label, n in board.category_counts],
        "leading": [{"name": str(row["organization"]), "value": float(row["total_hours"])} for row in board.leading],
        "labels": {
            "hours": _("Verified hours"),
            "online_hours": _("Online and training hours"),
            "new_volunteers": _("New volunteers"),
            "trend": _("Monthly trend"),
            "status": _("Projects by status"),
            "category": _("Projects by category"),
            "leading": _("Leading units and teams"),
        },
    }


@login_required
def dashboard(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    scope = selectors.get_scope_for_user(request.user, kind, pk)
    year = _year(request)
    board = selectors.dashboard(scope, year)
    tables = reports.dashboard_tables(board)
    for table in tables:
        table.csv_url = f"{reverse(f'insights:{kind}_export_csv', kwargs={'pk': pk, 'table': table.name})}?year={year}"
        table.xlsx_url = f"{reverse(f'insights:{kind}_export_xlsx', kwargs={'pk': pk, 'table': table.name})}?year={year}"
    projects = []
    if scope.is_organization:
        # One organization's latest projects with their money: a small, bounded read.
        projects = list(
            Project.objects.filter(organization=scope.organization)
            .select_related("organization", "region")
            .annotate(budgeted=Sum("funding__budgeted"), received=Sum("funding__received"), spent=Sum("funding__spent"))
            .order_by("-created_at")[:20]
        )
        for project in projects:
            project.can_edit_funding = permissions.can_edit_funding(request.user, project)
    indicators = []
    if not scope.is_organization:
        indicators = selectors.indicator_table(
            [scope.region], figures={scope.pk: board.figures}  # type: ignore[list-item]
        )
    return render(
        request,
        "insights/dashboard.html",
        {
            "board": board,
            "scope": scope,
            "kind": kind,
            "tables": tables,
            "projects": projects,
            "report_url": f"{reverse(f'insights:{kind}_report', kwargs={'pk': pk})}?year={year}",
            "chart_data": _chart_data(board),
            "indicators": indicators,
            "hourly_value": settings.CIVITAS["HOURLY_SOCIAL_VALUE"],
            "can_export_interchange": permissions.can_export_interchange(request.user),
        },
    )


@login_required
def dashboard_export(request: HttpRequest, kind: str, pk: int, table: str, fmt: str) -> HttpResponse:
    scope = selectors.get_scope_for_user(request.user, kind, pk)
    board = selectors.dashboard(scope, _year(request))
    content = services.dashboard_table_export(actor=request.user, board=board, table=table, fmt=fmt)
    content_type = (
        "text/csv; charset=utf-8" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{scope.slug}-{table}-{board.year}.{fmt}"'
    return response


@login_required
def annual_report(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    scope = selectors.get_scope_for_user(request.user, kind, pk)
    board = selectors.dashboard(scope, _year(request))
    pdf = services.annual_report_export(
        actor=request.user, board=board, site_name=settings.CIVITAS["SITE_NAME"] or _("Civitas")
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="impact-report-{scope.slug}-{board.year}.pdf"'
    return response


@login_required
def interchange_export(request: HttpRequest) -> HttpResponse:
    if not permissions.can_export_interchange(request.user):
        raise PermissionDenied(_("The interchange export is for city staff and auditors."))
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    services.interchange_export(actor=request.user, target=spool)
    spool.seek(0)
    stamp = timezone.localdate().isoformat()
    return FileResponse(spool, as_attachment=True, filename=f"civitas-interchange-{stamp}.zip", content_type="application/zip")


# --- Indicators ------------------------------------------------------------------------


@login_required
def indicator_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_leadership(request.user):
        raise PermissionDenied(_("The indicators are for committee staff and auditors."))
    regions = selectors.indicator_regions(request.user)
    return render(
        request,
        "insights/indicators.html",
        {
            "regions": regions,
            "table": selectors.indicator_table(regions, active_only=False),
            "can_edit": permissions.can_edit_indicators(request.user),
        },
    )


@login_required
def indicator_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not permissions.can_edit_indicators(request.user):
        raise PermissionDenied(_("Only city staff set the indicators."))
    indicator = get_object_or_404(Indicator, pk=pk) if pk else None
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_save(actor=request.user, indicator=indicator, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The indicator is saved."))
            return redirect("insights:indicators")
    title = _("Change the indicator") if indicator else _("New indicator")
    return render(request, "core/form.html", {"form": form, "title": title})


# --- Assessment ------------------------------------------------------------------------


@login_required
def assessment_ranking(request: HttpRequest) -> HttpResponse:
    watched = permissions.watched_region(request.user)
    if watched is None:
        raise PermissionDenied(_("The assessment is for committee staff and auditors."))
    year = _year(request)
    scores = list(
        AssessmentScore.objects.filter(year=year, organization__region__path__startswith=watched.path)
        .select_related("organization", "organization__region")
        .order_by("rank")
    )
    return render(
        request,
        "insights/assessment.html",
        {
            "year": year,
            "scores": scores,
            "criteria": AssessmentCriterion.objects.all(),
            "can_edit": permissions.can_edit_assessment(request.user),
            "computed_at": scores[0].computed_at if scores else None,
        },
    )


@login_required
def assessment_detail(request: HttpRequest, organization_pk: int, year: int) -> HttpResponse:
    # The unit by its primary key first: a primary-key lookup answers "none" for a number
    # beyond the database's integers, where a foreign-key column lookup would overflow.
    organization = Organization.objects.select_related("region").filter(pk=organization_pk).first()
    if organization is None or not permissions.can_view_organization_dashboard(request.user, organization):
        raise Http404
    score = AssessmentScore.objects.filter(organization=organization, year=year).first() if 2000 <= year <= 2100 else None
    if score is None:
        raise Http404
    score.organization = organization
    can_edit = permissions.can_edit_assessment(request.user)
    inputs = AssessmentInput.objects.filter(organization=score.organization, year=year).first()
    form = AssessmentInputForm(
        request.POST or None, initial={"headcount": inputs.headcount if inputs else 0, "honors": inputs.honors if inputs else 0}
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Only city staff enter assessment data."))
        if form.is_valid():
            try:
                services.assessment_input_save(actor=request.user, organization=score.organization, year=year, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                assessment.assessment_compute(year=year)
                messages.success(request, _("Saved; the scores of the year are recomputed."))
                return redirect("insights:assessment_detail", organization_pk=organization_pk, year=year)
    total_weight = sum((Decimal(item["weight"]) for item in score.breakdown), start=Decimal("0"))
    return render(
        request,
        "insights/assessment_detail.html",
        {"score": score, "inputs": inputs, "form": form, "can_edit": can_edit, "total_weight": total_weight},
    )


@login_required
@require_POST
def assessment_recompute(request: HttpRequest) -> HttpResponse:
    if not permissions.can_edit_assessment(request.user):
        raise PermissionDenied(_("Only city staff compute the assessment."))
    form = YearForm(request.POST)
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or timezone.localdate().year
    scores = assessment.assessment_compute(year=year)
    messages.success(request, _("%(count)s units scored for %(year)s.") % {"count": len(scores), "year": year})
    return redirect(f"{reverse('insights:assessment')}?year={year}")


@login_required
def criterion_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not permissions.can_edit_assessment(request.user):
        raise PermissionDenied(_("Only city staff set the assessment criteria."))
    criterion = get_object_or_404(AssessmentCriterion, pk=pk) if pk else None
    form = CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_save(actor=request.user, criterion=criterion, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The criterion is saved. Recompute the scores to apply it."))
            return redirect("insights:assessment")
    title = _("Change the criterion") if criterion else _("New criterion")
    return render(request, "core/form.html", {"form": form, "title": title})


# --- Investment --------------------------------------------------------------------------


@login_required
def project_funding(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = Project.objects.select_related("organization", "region").filter(pk=project_pk).first()
    if project is None or not permissions.can_view_funding(request.user, project):
        raise Http404
    can_edit = permissions.can_edit_funding(request.user, project)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied(_("Only the project's organization or its committee can record its funding."))
    form = FundingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.funding_set(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The funding is saved."))
            return redirect("insights:project_funding", project_pk=project.pk)
    return render(
        request,
        "insights/project_funding.html",
        {"project": project, "rows": ProjectFunding.objects.filter(project=project), "form": form, "can_edit": can_edit},
    )

