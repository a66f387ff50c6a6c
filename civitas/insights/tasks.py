"""Background work of the rollups (queue "rollups"). With the database backend a worker
(`manage.py db_worker`) runs these within seconds; tests run them at once."""

from __future__ import annotations

from django_tasks import task

from civitas.insights import rollups


@task(queue_name="rollups")
def recount_project_tallies(project_id: int) -> None:
    rollups.project_tallies_recount(project_id=project_id)


@task(queue_name="rollups")
def catch_up_ledger() -> int:
    return rollups.ledger_catch_up()


@task(queue_name="rollups")
def compute_assessment(year: int) -> int:
    from civitas.insights.assessment import assessment_compute

    return len(assessment_compute(year=year))
