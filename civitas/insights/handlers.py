"""Domain-event handlers (settings.EVENT_HANDLERS) that keep the rollups in step.

They run after the publishing transaction commits. The cheap ones update rollups at once;
recounting a project's tallies is queued.
"""

from __future__ import annotations

from typing import Any

from civitas.insights import rollups, tasks


def on_record_approved(*, event: str, record_id: int, **payload: Any) -> None:
    # The record itself is not needed: catching up takes in every approved entry past
    # the watermark, this one included, exactly once. A backlog (entries imported in
    # bulk) is left to the task queue rather than to the request that approved one entry.
    if rollups.ledger_catch_up(max_batches=1) >= rollups.BATCH:
        tasks.catch_up_ledger.enqueue()


def on_volunteer_registered(*, event: str, user_id: int, **payload: Any) -> None:
    rollups.volunteer_registered(user_id=user_id)


def on_organization_decided(*, event: str, organization_id: int, **payload: Any) -> None:
    rollups.organizations_recount(organization_id=organization_id)


def on_membership_decided(*, event: str, membership_id: int, **payload: Any) -> None:
    from civitas.organizations.models import Membership

    organization_id = Membership.objects.filter(pk=membership_id).values_list("organization_id", flat=True).first()
    if organization_id is not None:
        rollups.members_recount(organization_id=organization_id)


def on_project_transitioned(*, event: str, project_id: int, **payload: Any) -> None:
    tasks.recount_project_tallies.enqueue(project_id=project_id)
