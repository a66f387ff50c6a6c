"""Rollups that dashboards read, and the leadership data staff keep (indicators,
assessment criteria, project funding).

Every rollup row belongs to exactly one scope: a region (of any level: a record of an
organization in a community counts in the community, its street, its district and the
city) or an organization. Figures per month are keyed by the first day of the local month.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0")

ONE_SCOPE = Q(region__isnull=False, organization__isnull=True) | Q(region__isnull=True, organization__isnull=False)


def _hours() -> models.DecimalField:
    return models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)


def _money() -> models.DecimalField:
    return models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)


class ScopedRollup(models.Model):
    region = models.ForeignKey("organizations.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True


class Figures(ScopedRollup):
    """Running totals of a region or an organization."""

    registered_volunteers = models.PositiveIntegerField(default=0)
    members = models.PositiveIntegerField(default=0)
    total_hours = _hours()
    online_hours = _hours()
    approved_records = models.BigIntegerField(default=0)
    organizations = models.PositiveIntegerField(default=0)
    member_units = models.PositiveIntegerField(default=0)
    teams = models.PositiveIntegerField(default=0)
    stations = models.PositiveIntegerField(default=0)
    communities = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=ONE_SCOPE, name="figures_one_scope"),
            models.UniqueConstraint(fields=["region"], condition=Q(region__isnull=False), name="figures_one_per_region"),
            models.UniqueConstraint(
                fields=["organization"], condition=Q(organization__isnull=False), name="figures_one_per_organization"
            ),
        ]
        indexes = [models.Index(fields=["total_hours"])]


class MonthFigures(ScopedRollup):
    """What happened in one month. ``active_volunteers`` counts each volunteer once, in the
    month of their latest approved service, so the volunteers active in the last twelve
    months are the sum of twelve rows."""

    month = models.DateField()
    hours = _hours()
    online_hours = _hours()
    records = models.BigIntegerField(default=0)
    online_records = models.BigIntegerField(default=0)
    new_volunteers = models.IntegerField(default=0)
    active_volunteers = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=ONE_SCOPE, name="month_figures_one_scope"),
            models.UniqueConstraint(
                fields=["region", "month"], condition=Q(region__isnull=False), name="month_figures_region_month"
            ),
            models.UniqueConstraint(
                fields=["organization", "month"],
                condition=Q(organization__isnull=False),
                name="month_figures_organization_month",
            ),
        ]
        ordering = ["month"]


class ProjectTally(ScopedRollup):
    """Projects of a scope by status and category, and the people they served."""

    status = models.CharField(max_length=20)
    category = models.CharField(max_length=30)
    projects = models.PositiveIntegerField(default=0)
    people_served = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=ONE_SCOPE, name="project_tally_one_scope")]
        indexes = [models.Index(fields=["region", "status"]), models.Index(fields=["organization", "status"])]


class FundingSource(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    UNIT = "unit", _("Unit's own funds")
    DONATION = "donation", _("Donations")


class FundingTally(ScopedRollup):
    source = models.CharField(max_length=20, choices=FundingSource.choices)
    budgeted = _money()
    received = _money()
    spent = _money()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=ONE_SCOPE, name="funding_tally_one_scope"),
            models.UniqueConstraint(
                fields=["region", "source"], condition=Q(region__isnull=False), name="funding_tally_region_source"
            ),
            models.UniqueConstraint(
                fields=["organization", "source"],
                condition=Q(organization__isnull=False),
                name="funding_tally_organization_source",
            ),
        ]


class LastService(models.Model):
    """The month of a volunteer's latest approved service: overall (``organization`` empty,
    counted in ``region``, their home community when first counted) or with one organization."""

    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey("organizations.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer"], condition=Q(organization__isnull=True), name="last_service_overall"
            ),
            models.UniqueConstraint(
                fields=["volunteer", "organization"],
                condition=Q(organization__isnull=False),
                name="last_service_per_organization",
            ),
        ]


class LedgerWatermark(models.Model):
    """The last ledger entry (by chain sequence) the rollups have taken in. One row."""

    last_sequence = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)


# --- Leadership data kept by staff ------------------------------------------------------


class Computation(models.TextChoices):
    VOLUNTEER_SHARE = "volunteer_share", _("Registered volunteers as a share of residents (%)")
    ACTIVE_SHARE = "active_share", _("Share of registered volunteers active in the last 12 months (%)")
    HOURS_PER_VOLUNTEER = "hours_per_volunteer", _("Verified hours this year per registered volunteer")
    HOURS_PER_CAPITA = "hours_per_capita", _("Verified hours this year per resident")
    STATIONS_PER_COMMUNITY = "stations_per_community", _("Service stations per community")
    ONLINE_HOURS_SHARE = "online_hours_share", _("Online and training hours as a share of all hours (%)")
    EVALUATED_PROJECT_SHARE = "evaluated_project_share", _("Evaluated projects as a share of finished projects (%)")


class Indicator(models.Model):
    """A civilized-city indicator. Evaluation editions differ, so the target is data."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    computation = models.CharField(_("computed as"), max_length=40, choices=Computation.choices)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        from civitas.core.text import localized

        return localized(self)


class Measure(models.TextChoices):
    REGISTERED_SHARE = "registered_share", _("Share of the unit's people registered as volunteers (%)")
    ACTIVE_SHARE = "active_share", _("Share of the unit's volunteers active in the last 12 months (%)")
    HOURS_PER_MEMBER = "hours_per_member", _("Verified hours this year per member")
    PROJECTS_RUN = "projects_run", _("Projects run (recruiting or later)")
    PROJECTS_EVALUATED = "projects_evaluated", _("Projects evaluated")
    HONORS = "honors", _("Honors received (entered by staff)")


class AssessmentCriterion(models.Model):
    """One line of the member-unit assessment: a measure, its weight and the value that
    earns the full weight."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    measure = models.CharField(_("measure"), max_length=30, choices=Measure.choices)
    weight = models.DecimalField(_("weight (points)"), max_digits=6, decimal_places=2)
    full_marks_at = models.DecimalField(_("full marks at"), max_digits=12, decimal_places=2)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("assessment criterion")
        verbose_name_plural = _("assessment criteria")

    def __str__(self) -> str:
        from civitas.core.text import localized

        return localized(self)


class AssessmentInput(models.Model):
    """What the platform cannot know about a unit in a year: its headcount and honors."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    headcount = models.PositiveIntegerField(_("people in the unit"), default=0)
    honors = models.PositiveIntegerField(_("honors received"), default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="one_assessment_input_per_year")]


class AssessmentScore(models.Model):
    """A unit's score for a year, with the breakdown it was computed from (kept so a
    past year's ranking stays what it was when it was announced)."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    score = models.DecimalField(max_digits=7, decimal_places=2)
    rank = models.PositiveIntegerField(default=0)
    breakdown = models.JSONField(default=list)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["year", "rank"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="one_score_per_unit_year")]
        indexes = [models.Index(fields=["year", "rank"])]


class ProjectFunding(models.Model):
    """Money for a project from one source: budgeted, received and spent (yuan)."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="funding")
    source = models.CharField(_("source"), max_length=20, choices=FundingSource.choices)
    budgeted = models.DecimalField(_("budgeted"), max_digits=14, decimal_places=2, default=ZERO)
    received = models.DecimalField(_("received"), max_digits=14, decimal_places=2, default=ZERO)
    spent = models.DecimalField(_("spent"), max_digits=14, decimal_places=2, default=ZERO)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project_id", "source"]
        verbose_name = _("project funding")
        verbose_name_plural = _("project funding")
        constraints = [models.UniqueConstraint(fields=["project", "source"], name="one_funding_row_per_source")]
