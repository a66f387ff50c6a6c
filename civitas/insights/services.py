"""Writes of the leadership side: indicators, assessment criteria and inputs, funding;
and the exports, which write nothing but an audit entry each (docs/security.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.accounts.audit import audit
from civitas.insights import permissions, reports, rollups
from civitas.insights.interchange import write_interchange
from civitas.insights.models import (
    AssessmentCriterion,
    AssessmentInput,
    Computation,
    FundingSource,
    Indicator,
    Measure,
    ProjectFunding,
)
from civitas.organizations.models import Region

ZERO = Decimal("0")
INDICATOR_FIELDS = ("code", "name", "name_en", "description", "computation", "target", "unit", "position", "is_active")
CRITERION_FIELDS = ("code", "name", "name_en", "measure", "weight", "full_marks_at", "position", "is_active")


def _check_unique_code(model: type, code: str, instance: Any) -> None:
    others = model.objects.filter(code=code)
    if instance is not None:
        others = others.exclude(pk=instance.pk)
    if others.exists():
        raise ValidationError({"code": [_("This code is already used.")]})


@transaction.atomic
def indicator_save(*, actor: Any, indicator: Indicator | None = None, **values: Any) -> Indicator:
    """Create or change an indicator (city staff)."""
    if not permissions.can_edit_indicators(actor):
        raise PermissionDenied(_("Only city staff set the indicators."))
    errors: dict[str, list[str]] = {}
    if values.get("computation") not in Computation.values:
        errors["computation"] = [_("Choose how the indicator is computed.")]
    if values.get("target") is None or Decimal(values["target"]) < 0:
        errors["target"] = [_("The target is a number of zero or more.")]
    if not (values.get("name") or "").strip():
        errors["name"] = [_("Give the indicator a name.")]
    if errors:
        raise ValidationError(errors)
    _check_unique_code(Indicator, values["code"], indicator)
    before = _values(indicator, INDICATOR_FIELDS)
    indicator = indicator or Indicator()
    for name in INDICATOR_FIELDS:
        if name in values:
            setattr(indicator, name, values[name])
    indicator.updated_by = actor
    indicator.updated_at = timezone.now()
    indicator.save()
    audit(actor=actor, action="indicator.create" if before is None else "indicator.change", target=indicator,
          region=_city(), details=_changes(before, _values(indicator, INDICATOR_FIELDS)))
    return indicator


@transaction.atomic
def criterion_save(*, actor: Any, criterion: AssessmentCriterion | None = None, **values: Any) -> AssessmentCriterion:
    if not permissions.can_edit_assessment(actor):
        raise PermissionDenied(_("Only city staff set the assessment criteria."))
    errors: dict[str, list[str]] = {}
    if values.get("measure") not in Measure.values:
        errors["measure"] = [_("Choose what the criterion measures.")]
    if values.get("weight") is None or Decimal(values["weight"]) <= 0:
        errors["weight"] = [_("The weight is more than zero.")]
    if values.get("full_marks_at") is None or Decimal(values["full_marks_at"]) <= 0:
        errors["full_marks_at"] = [_("Full marks are earned at a value above zero.")]
    if not (values.get("name") or "").strip():
        errors["name"] = [_("Give the criterion a name.")]
    if errors:
        raise ValidationError(errors)
    _check_unique_code(AssessmentCriterion, values["code"], criterion)
    before = _values(criterion, CRITERION_FIELDS)
    criterion = criterion or AssessmentCriterion()
    for name in CRITERION_FIELDS:
        if name in values:
            setattr(criterion, name, values[name])
    criterion.save()
    audit(actor=actor, action="assessment.criterion_create" if before is None else "assessment.criterion_change", target=criterion,
          region=_city(), details=_changes(before, _values(criterion, CRITERION_FIELDS)))
    return criterion


@transaction.atomic
def assessment_input_save(*, actor: Any, organization: Any, year: int, headcount: int, honors: int) -> AssessmentInput:
    if not permissions.can_edit_assessment(actor):
        raise PermissionDenied(_("Only city staff enter assessment data."))
    if headcount < 0 or honors < 0:
        raise ValidationError({"headcount": [_("Enter numbers of zero or more.")]})
    previous = AssessmentInput.objects.select_for_update().filter(organization=organization, year=year).first()
    before = _values(previous, ("headcount", "honors"))
    row, _created = AssessmentInput.objects.update_or_create(
        organization=organization, year=year,
        defaults={"headcount": headcount, "honors": honors, "updated_by": actor, "updated_at": timezone.now()},
    )
    audit(actor=actor, action="assessment.input", target=organization,
          details={"year": year, **_changes(before, _values(row, ("headcount", "honors")))})
    return row


@transaction.atomic
def funding_set(
    *, actor: Any, project: Any, source: str, budgeted: Decimal, received: Decimal, spent: Decimal, note: str = ""
) -> ProjectFunding:
    """Set a project's money from one source; the scope totals move in the same transaction."""
    if not permissions.can_edit_funding(actor, project):
        raise PermissionDenied(_("Only the project's organization or its committee can record its funding."))
    errors: dict[str, list[str]] = {}
    if source not in FundingSource.values:
        errors["source"] = [_("Choose where the money comes from.")]
    for name, amount in (("budgeted", budgeted), ("received", received), ("spent", spent)):
        if amount is None or Decimal(amount) < 0:
            errors[name] = [_("Enter an amount of zero or more.")]
    if errors:
        raise ValidationError(errors)
    budgeted, received, spent = (Decimal(x).quantize(Decimal("0.01")) for x in (budgeted, received, spent))
    row = ProjectFunding.objects.select_for_update().filter(project=project, source=source).first()
    before = (row.budgeted, row.received, row.spent) if row else (ZERO, ZERO, ZERO)
    if row is None:
        row = ProjectFunding(project=project, source=source)
    row.budgeted, row.received, row.spent, row.note = budgeted, received, spent, (note or "")[:200]
    row.updated_by = actor
    row.updated_at = timezone.now()
    row.save()
    rollups.funding_apply(
        project=project, source=source,
        budgeted=budgeted - before[0], received=received - before[1], spent=spent - before[2],
    )
    audit(actor=actor, action="funding.set", target=project, details={
        "source": source,
        "before": {"budgeted": str(before[0]), "received": str(before[1]), "spent": str(before[2])},
        "after": {"budgeted": str(budgeted), "received": str(received), "spent": str(spent)},
    })
    return row


def _city() -> Region | None:
    """Indicators and criteria are city-wide: their audit entries belong to the city."""
    return Region.objects.filter(parent__isnull=True).order_by("pk").first()


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, bool | int | str) else str(value)


def _values(instance: Any, names: tuple[str, ...]) -> dict[str, Any] | None:
    return None if instance is None else {name: _plain(getattr(instance, name)) for name in names}


def _changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    """What an edit changed, old and new side by side; everything for a creation."""
    after = after or {}
    if before is None:
        return {"after": after}
    changed = [name for name in after if before.get(name) != after[name]]
    return {"before": {name: before.get(name) for name in changed}, "after": {name: after[name] for name in changed}}


# --- Exports -----------------------------------------------------------------------------
# Each export is a read, but it carries figures (and, in the interchange file, people)
# out of Civitas, so it is written to the audit trail once the file is built. No
# transaction around the building: on SQLite (IMMEDIATE) it would hold the write lock
# for as long as a city-wide file takes; the file is only handed out after its entry is in.


def dashboard_table_export(*, actor: Any, board: Any, table: str, fmt: str) -> bytes:
    """One dashboard table as CSV or XLSX; Http404 for a table the dashboard does not have."""
    found = next((t for t in reports.dashboard_tables(board) if t.name == table), None)
    if found is None or fmt not in ("csv", "xlsx"):
        raise Http404
    content = reports.table_csv(found) if fmt == "csv" else reports.table_xlsx(found)
    scope = board.scope
    audit(actor=actor, action="export.dashboard_table", target=scope.organization or scope.region,
          details={"table": table, "format": fmt, "year": board.year, "rows": len(found.rows)})
    return content


def annual_report_export(*, actor: Any, board: Any, site_name: str) -> bytes:
    pdf = reports.annual_report_pdf(board, site_name=site_name)
    scope = board.scope
    audit(actor=actor, action="export.annual_report", target=scope.organization or scope.region,
          details={"year": board.year})
    return pdf


def interchange_export(*, actor: Any, target: IO[bytes]) -> dict[str, int]:
    """The city-wide interchange zip: masked, but still about people, so audited with
    the number of rows of each file."""
    if not permissions.can_export_interchange(actor):
        raise PermissionDenied(_("The interchange export is for city staff and auditors."))
    counts = write_interchange(target)
    audit(actor=actor, action="export.interchange", target=_city(), details={"rows": counts})
    return counts
