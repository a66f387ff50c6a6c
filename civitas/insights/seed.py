"""Demo-city step for the leadership side (runs last, see settings.SEED_STEPS): indicators
with the office's targets, assessment criteria and unit inputs, project funding, then a
rebuild of the rollups and this year's assessment so the dashboards are full."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from civitas.core.seeding import SeedContext, copy_rows
from civitas.insights import rollups
from civitas.insights.assessment import assessment_compute
from civitas.insights.models import (
    AssessmentCriterion,
    AssessmentInput,
    Indicator,
    LedgerWatermark,
    ProjectFunding,
)

# (code, name, English name, computation, target, unit, description)
INDICATORS = [
    ("volunteer-share", "注册志愿者占常住人口比例", "Registered volunteers as a share of residents", "volunteer_share", "13", "%",
     "全国文明城市测评体系：实名注册志愿者人数占城市常住人口的比例。"),
    ("active-share", "活跃志愿者占注册志愿者比例", "Active volunteers as a share of registered ones", "active_share", "60", "%",
     "近12个月内有经审核服务记录的志愿者占注册志愿者的比例。"),
    ("hours-per-volunteer", "人均年服务时长", "Hours per registered volunteer this year", "hours_per_volunteer", "20", "h",
     "本年度经审核的服务时长除以注册志愿者人数。"),
    ("stations-per-community", "社区志愿服务站覆盖", "Service stations per community", "stations_per_community", "1", "",
     "每个社区至少有一个志愿服务站。"),
    ("online-share", "网络文明志愿服务时长占比", "Online volunteering as a share of hours", "online_hours_share", "10", "%",
     "本年度线上服务和培训时长占全部时长的比例。"),
    ("evaluated-share", "项目评估率", "Finished projects that were evaluated", "evaluated_project_share", "80", "%",
     "已结项项目中完成评估的比例。"),
]

# (code, name, English name, measure, weight, full marks at)
CRITERIA = [
    ("registered", "职工注册志愿者比例", "Share of the unit's people registered", "registered_share", "20", "50"),
    ("active", "志愿者活跃比例", "Share of its volunteers active", "active_share", "25", "60"),
    ("hours", "人均服务时长", "Hours per member this year", "hours_per_member", "25", "20"),
    ("projects-run", "开展项目数", "Projects run", "projects_run", "10", "5"),
    ("projects-evaluated", "项目评估数", "Projects evaluated", "projects_evaluated", "10", "3"),
    ("honors", "获得表彰", "Honors received", "honors", "10", "3"),
]


def seed_watermark(ctx: SeedContext) -> None:
    """Right after the ledger step: count the seeded history as taken in. Otherwise the
    next approval through the services (online work, the demo's open items) would have
    the rollups take in the whole generated ledger entry by entry, 30 million at the
    large scale. Nothing is lost: ``seed_insights``, the last step, rebuilds every rollup
    from the raw records."""
    from civitas.ledger.models import ServiceRecord

    head = ServiceRecord.objects.aggregate(last=Max("sequence"))["last"] or 0
    LedgerWatermark.objects.update_or_create(pk=1, defaults={"last_sequence": head, "updated_at": timezone.now()})


def seed_insights(ctx: SeedContext) -> None:
    from civitas.organizations.models import Organization, OrganizationKind
    from civitas.projects.models import Project

    now = timezone.now()
    year = timezone.localdate().year
    for position, (code, name, name_en, computation, target, unit, description) in enumerate(INDICATORS):
        Indicator.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "computation": computation, "target": Decimal(target),
                      "unit": unit, "description": description, "position": position},
        )
    for position, (code, name, name_en, measure, weight, full) in enumerate(CRITERIA):
        AssessmentCriterion.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "measure": measure, "weight": Decimal(weight),
                      "full_marks_at": Decimal(full), "position": position},
        )
    rng = ctx.rng
    units = list(Organization.objects.filter(kind=OrganizationKind.MEMBER_UNIT).values_list("pk", "member_count"))
    AssessmentInput.objects.bulk_create(
        AssessmentInput(organization_id=pk, year=year, headcount=max(members, 1) * rng.randint(2, 4), honors=rng.randint(0, 4))
        for pk, members in units
    )

    projects = list(Project.objects.values_list("pk", "budget"))

    def funding():  # type: ignore[no-untyped-def]
        for pk, budget in projects:
            base = Decimal(budget) if budget else Decimal(rng.randint(5, 200) * 1000)
            for source, share in (("government", Decimal("0.6")), ("unit", Decimal("0.3")), ("donation", Decimal("0.1"))):
                if rng.random() < 0.25 and source != "government":
                    continue
                budgeted = (base * share).quantize(Decimal("0.01"))
                received = (budgeted * Decimal(rng.randint(50, 100)) / 100).quantize(Decimal("0.01"))
                spent = (received * Decimal(rng.randint(30, 100)) / 100).quantize(Decimal("0.01"))
                yield (pk, source, budgeted, received, spent, now)

    copy_rows(ProjectFunding, ["project_id", "source", "budgeted", "received", "spent", "updated_at"], funding(),
              ctx=ctx, total=len(projects) * 3, label="project funding")
    counts = rollups.rebuild_all()
    ctx.say(f"  rollups: {counts}")
    scores = assessment_compute(year=year)
    ctx.say(f"  assessment {year}: {len(scores)} units scored")
