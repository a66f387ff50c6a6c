"""Member-unit assessment: each approved member unit (with the teams under it) is scored
on the criteria staff configure. A criterion earns its full weight when the unit's value
reaches ``full_marks_at`` and a proportional part below it. Scores are stored per year
with their breakdown, so a ranking once announced stays as it was."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from civitas.insights.models import AssessmentCriterion, AssessmentInput, AssessmentScore, Measure
from civitas.insights.selectors import Bundle, bundles, ratio
from civitas.organizations.models import Organization, OrganizationKind, OrganizationStatus

TWO = Decimal("0.01")


def measure_value(measure: str, figures: Bundle, inputs: AssessmentInput | None) -> Decimal | None:
    if measure == Measure.REGISTERED_SHARE:
        return ratio(figures.members, inputs.headcount if inputs else 0, 100)
    if measure == Measure.ACTIVE_SHARE:
        return ratio(figures.active_12m, figures.members, 100)
    if measure == Measure.HOURS_PER_MEMBER:
        return ratio(figures.hours_year, figures.members)
    if measure == Measure.PROJECTS_RUN:
        return Decimal(figures.projects_run)
    if measure == Measure.PROJECTS_EVALUATED:
        return Decimal(figures.projects_evaluated)
    if measure == Measure.HONORS:
        return Decimal(inputs.honors) if inputs else None
    return None


def score_unit(criteria: list[AssessmentCriterion], figures: Bundle, inputs: AssessmentInput | None) -> tuple[Decimal, list[dict[str, Any]]]:
    total = Decimal("0")
    breakdown = []
    for criterion in criteria:
        value = measure_value(criterion.measure, figures, inputs)
        share = min((value or Decimal("0")) / criterion.full_marks_at, Decimal("1")) if criterion.full_marks_at else Decimal("0")
        points = (criterion.weight * share).quantize(TWO, rounding=ROUND_HALF_UP)
        total += points
        breakdown.append(
            {
                "criterion": criterion.code,
                "name": criterion.name,
                "name_en": criterion.name_en,
                "measure": criterion.measure,
                "value": str(value) if value is not None else None,
                "full_marks_at": str(criterion.full_marks_at),
                "weight": str(criterion.weight),
                "points": str(points),
            }
        )
    return total, breakdown


def unit_figures(year: int) -> tuple[list[Organization], dict[int, Bundle]]:
    """Each approved member unit with its own figures plus those of its teams."""
    units = list(
        Organization.objects.filter(kind=OrganizationKind.MEMBER_UNIT, status=OrganizationStatus.APPROVED).select_related("region")
    )
    teams = dict(
        Organization.objects.filter(parent__in=units, status=OrganizationStatus.APPROVED).values_list("pk", "parent_id")
    )
    figures = bundles("organization", [unit.pk for unit in units] + list(teams), year)
    combined = {}
    for unit in units:
        bundle = Bundle()
        bundle.add(figures[unit.pk])
        combined[unit.pk] = bundle
    for team, parent in teams.items():
        combined[parent].add(figures[team])
    return units, combined


@transaction.atomic
def assessment_compute(*, year: int) -> list[AssessmentScore]:
    """Score every member unit for the year from the rollups and rank them."""
    criteria = list(AssessmentCriterion.objects.filter(is_active=True))
    units, figures = unit_figures(year)
    inputs = {row.organization_id: row for row in AssessmentInput.objects.filter(year=year)}
    scored = []
    for unit in units:
        score, breakdown = score_unit(criteria, figures[unit.pk], inputs.get(unit.pk))
        scored.append((score, unit, breakdown))
    scored.sort(key=lambda item: (-item[0], item[1].pk))
    now = timezone.now()
    AssessmentScore.objects.filter(year=year).delete()
    return AssessmentScore.objects.bulk_create(
        AssessmentScore(organization=unit, year=year, score=score, rank=rank, breakdown=breakdown, computed_at=now)
        for rank, (score, unit, breakdown) in enumerate(scored, start=1)
    )
