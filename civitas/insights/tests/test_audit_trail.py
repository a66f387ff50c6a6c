"""Exports and changes to indicators, criteria, unit inputs and funding are written to
the audit trail (docs/security.md), in the region their target belongs to; refusals
and failures leave no entry."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from civitas.accounts.models import AuditEntry
from civitas.insights import services
from civitas.projects import services as projects


def _entries(action: str):  # type: ignore[no-untyped-def]
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


@pytest.mark.parametrize(("name", "table", "fmt"), [("region_export_csv", "summary", "csv"), ("region_export_xlsx", "months", "xlsx")])
def test_a_dashboard_table_export_is_audited_in_its_region(small_city, name, table, fmt):
    cast = small_city.cast
    url = reverse(f"insights:{name}", kwargs={"pk": cast.city.district_a.pk, "table": table})

    response = cast.client_for(cast.district_staff).get(url, {"year": "2026"})

    assert response.status_code == 200
    [entry] = _entries("export.dashboard_table")
    assert entry.actor == cast.district_staff
    assert entry.region_path == cast.city.district_a.path
    assert entry.details["table"] == table and entry.details["format"] == fmt and entry.details["year"] == 2026


def test_an_outsider_asking_for_an_export_gets_404_and_leaves_no_entry(small_city):
    cast = small_city.cast
    for name in ("organization_export_csv", "organization_report"):
        kwargs = {"pk": cast.org_a.pk, **({"table": "summary"} if "export" in name else {})}
        assert cast.client_for(cast.organizer_b).get(reverse(f"insights:{name}", kwargs=kwargs)).status_code == 404
    assert cast.client_for(cast.district_staff).get(
        reverse("insights:region_export_csv", kwargs={"pk": cast.city.district_a.pk, "table": "no-such"})
    ).status_code == 404
    assert not AuditEntry.objects.filter(action__startswith="export").exists()


def test_the_annual_report_is_audited_for_the_organization(small_city):
    cast = small_city.cast

    response = cast.client_for(cast.organizer_a).get(reverse("insights:organization_report", kwargs={"pk": cast.org_a.pk}))

    assert response.status_code == 200
    [entry] = _entries("export.annual_report")
    assert (entry.actor, entry.target_type, entry.target_id) == (cast.organizer_a, "organizations.Organization", str(cast.org_a.pk))
    assert entry.region_path == cast.city.district_a.path


def test_the_interchange_export_is_audited_with_its_row_counts(small_city):
    cast = small_city.cast

    response = cast.client_for(cast.auditor).get(reverse("insights:interchange"))
    b"".join(response.streaming_content)

    [entry] = _entries("export.interchange")
    assert entry.actor == cast.auditor
    assert entry.region_path == cast.city.city.path
    assert entry.details["rows"]["service_records"] == 4
    assert entry.details["rows"]["volunteers"] == 4
    cast.client_for(cast.district_staff).get(reverse("insights:interchange"))
    assert len(_entries("export.interchange")) == 1  # the refused one is not there


def test_indicator_and_criterion_edits_are_audited_with_what_changed(cast):
    indicator = services.indicator_save(
        actor=cast.city_staff, code="share", name="志愿者占比", name_en="", description="", computation="volunteer_share",
        target=Decimal("13"), unit="%", position=1, is_active=True,
    )
    services.indicator_save(
        actor=cast.city_staff, indicator=indicator, code="share", name="志愿者占比", name_en="", description="",
        computation="volunteer_share", target=Decimal("15"), unit="%", position=1, is_active=True,
    )
    criterion = services.criterion_save(
        actor=cast.city_staff, code="hours", name="人均时长", name_en="", measure="hours_per_member",
        weight=Decimal("10"), full_marks_at=Decimal("20"), position=1, is_active=True,
    )

    [created] = _entries("indicator.create")
    [changed] = _entries("indicator.change")
    assert created.details["after"]["target"] == "13"
    assert changed.details == {"before": {"target": "13"}, "after": {"target": "15"}}
    assert changed.region_path == cast.city.city.path
    [criterion_entry] = _entries("assessment.criterion_create")
    assert criterion_entry.target_id == str(criterion.pk)
    assert criterion_entry.details["after"]["measure"] == "hours_per_member"


def test_unit_inputs_are_audited_in_the_units_region(cast):
    services.assessment_input_save(actor=cast.city_staff, organization=cast.org_a, year=2026, headcount=30, honors=1)
    services.assessment_input_save(actor=cast.city_staff, organization=cast.org_a, year=2026, headcount=30, honors=2)

    first, second = _entries("assessment.input")
    assert first.details == {"year": 2026, "after": {"headcount": 30, "honors": 1}}
    assert second.details == {"year": 2026, "before": {"honors": 1}, "after": {"honors": 2}}
    assert second.region_path == cast.city.district_a.path


def test_funding_changes_are_audited_and_a_refused_one_is_not(cast):
    project = projects.project_create(organization=cast.org_a, actor=cast.organizer_a, title="助老", category="elderly_disabled")
    services.funding_set(actor=cast.organizer_a, project=project, source="government",
                         budgeted=Decimal("500"), received=Decimal("400"), spent=Decimal("0"))
    with pytest.raises(ValidationError):
        services.funding_set(actor=cast.organizer_a, project=project, source="government",
                             budgeted=Decimal("-1"), received=Decimal("400"), spent=Decimal("0"))

    [entry] = _entries("funding.set")
    assert (entry.target_type, entry.target_id) == ("projects.Project", str(project.pk))
    assert entry.region_path == cast.city.district_a.path
    assert entry.details["before"] == {"budgeted": "0", "received": "0", "spent": "0"}
    assert entry.details["after"] == {"budgeted": "500.00", "received": "400.00", "spent": "0.00"}


def test_the_auditor_reads_a_projects_funding_and_cannot_change_it(cast):
    project = projects.project_create(organization=cast.org_a, actor=cast.organizer_a, title="助老", category="elderly_disabled")
    url = reverse("insights:project_funding", kwargs={"project_pk": project.pk})
    auditor = cast.client_for(cast.auditor)

    page = auditor.get(url)
    refused = auditor.post(url, {"source": "government", "budgeted": "1", "received": "1", "spent": "1"})

    assert page.status_code == 200
    assert b'name="budgeted"' not in page.content
    assert refused.status_code == 403
    assert not _entries("funding.set")
    assert cast.client_for(cast.other_district_staff).get(url).status_code == 404
    assert b'name="budgeted"' in cast.client_for(cast.organizer_a).get(url).content
