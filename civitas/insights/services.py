"""Writes of the leadership side: indicators, assessment criteria and inputs, funding."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.insights import permissions, rollups
from civitas.insights.models import (
    AssessmentCriterion,
    AssessmentInput,
    Computation,
    FundingSource,
    Indicator,
    Measure,
    ProjectFunding,
)

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
    indicator = indicator or Indicator()
    for name in INDICATOR_FIELDS:
        if name in values:
            setattr(indicator, name, values[name])
    indicator.updated_by = actor
    indicator.updated_at = timezone.now()
    indicator.save()
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
    criterion = criterion or AssessmentCriterion()
    for name in CRITERION_FIELDS:
        if name in values:
            setattr(criterion, name, values[name])
    criterion.save()
    return criterion


@transaction.atomic
def assessment_input_save(*, actor: Any, organization: Any, year: int, headcount: int, honors: int) -> AssessmentInput:
    if not permissions.can_edit_assessment(actor):
        raise PermissionDenied(_("Only city staff enter assessment data."))
    if headcount < 0 or honors < 0:
        raise ValidationError({"headcount": [_("Enter numbers of zero or more.")]})
    row, _created = AssessmentInput.objects.update_or_create(
        organization=organization, year=year,
        defaults={"headcount": headcount, "honors": honors, "updated_by": actor, "updated_at": timezone.now()},
    )
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
    return row
