from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from civitas.core.api import ErrorOut, Page, token_auth
from civitas.insights import permissions, selectors
from civitas.insights.models import AssessmentScore

router = Router(tags=["insights"])


class StatsOut(Schema):
    scope: str
    name: str
    registered_volunteers: int = Field(description="volunteers living in the region; members for an organization")
    population: int | None = Field(description="resident population; null for an organization")
    volunteer_ratio: float | None = Field(description="registered volunteers / population, a fraction (0.13 = 13%)")
    active_volunteers_12m: int = Field(description="distinct volunteers with approved service in the last 12 months")
    total_hours: Decimal
    hours_this_year: Decimal
    projects: int = Field(description="projects approved or further along")
    organizations: int = Field(description="approved organizations in the region; approved teams under an organization")
    people_served: int
    online_hours: Decimal


class StatsQuery(Schema):
    scope: str = Field("city", max_length=40, description="city, region:ID or org:ID")


@router.get("/stats", response={200: StatsOut, 404: ErrorOut}, auth=None)
def stats(request: HttpRequest, query: Query[StatsQuery]):  # type: ignore[no-untyped-def]
    """Aggregate figures of the city, a region or an organization, read from rollups."""
    scope = selectors.parse_scope(query.scope)
    figures = selectors.scope_bundle(scope)
    return {
        "scope": f"org:{scope.pk}" if scope.is_organization else f"region:{scope.pk}",
        "name": scope.name,
        "registered_volunteers": figures.registered,
        "population": None if scope.is_organization else figures.population,
        "volunteer_ratio": None if scope.is_organization else figures.volunteer_ratio,
        "active_volunteers_12m": figures.active_12m,
        "total_hours": figures.total_hours,
        "hours_this_year": figures.hours_year,
        "projects": figures.projects,
        "organizations": figures.organizations,
        "people_served": figures.people_served,
        "online_hours": figures.online_hours,
    }


class IndicatorValueOut(Schema):
    region_id: int
    region: str
    value: Decimal | None
    met: bool | None
    state: str
    explanation: str


class IndicatorOut(Schema):
    code: str
    name: str
    name_en: str
    description: str
    computation: str
    target: Decimal
    unit: str
    values: list[IndicatorValueOut]


@router.get("/indicators", response=Page[IndicatorOut], auth=None)
def indicators(request: HttpRequest):  # type: ignore[no-untyped-def]
    """Civilized-city indicators with their targets and current values for the city and
    each district (aggregate figures, public)."""
    city = selectors.city_region()
    regions = [city, *city.children.order_by("path")]
    items = [
        {
            "code": indicator.code, "name": indicator.name, "name_en": indicator.name_en,
            "description": indicator.description, "computation": indicator.computation,
            "target": indicator.target, "unit": indicator.unit,
            "values": [
                {
                    "region_id": cell.region.pk, "region": str(cell.region), "value": cell.value,
                    "met": None if cell.value is None else cell.state == "met", "state": cell.state,
                    "explanation": cell.explanation,
                }
                for cell in cells
            ],
        }
        for indicator, cells in selectors.indicator_table(regions)
    ]
    return {"items": items, "count": len(items)}


class CriterionScoreOut(Schema):
    criterion: str
    name: str
    measure: str
    value: str | None
    full_marks_at: str
    weight: str
    points: str


class AssessmentOut(Schema):
    organization_id: int
    organization: str
    year: int
    rank: int
    score: Decimal
    breakdown: list[CriterionScoreOut]


class AssessmentQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


@router.get("/assessments", response={200: Page[AssessmentOut], 403: ErrorOut}, auth=token_auth)
def assessments(request: HttpRequest, query: Query[AssessmentQuery]):  # type: ignore[no-untyped-def]
    """The member-unit ranking of a year with each score's breakdown (committee staff and
    auditors; units outside the caller's region are left out)."""
    user = request.auth  # type: ignore[attr-defined]
    watched = permissions.watched_region(user)
    if watched is None:
        raise PermissionDenied(_("Only committee staff and auditors read the assessment."))
    year = query.year or timezone.localdate().year
    scores = (
        AssessmentScore.objects.filter(year=year, organization__region__path__startswith=watched.path)
        .select_related("organization")
        .order_by("rank")
    )
    items = [
        {
            "organization_id": score.organization_id, "organization": str(score.organization), "year": score.year,
            "rank": score.rank, "score": score.score, "breakdown": score.breakdown,
        }
        for score in scores
    ]
    return {"items": items, "count": len(items)}
