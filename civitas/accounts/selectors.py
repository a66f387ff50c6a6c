"""Reads for people and the audit trail."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from civitas.accounts.models import AuditEntry


def audit_entries(
    *,
    region_path: str | None,
    action: str = "",
    actor: str = "",
    target_type: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """The trail inside one region (``region_path`` prefix); None reads everything.
    Entries with no region (a merge of two people without a home community) are read
    only city-wide, by a reader whose region is the city or by a superuser."""
    entries = AuditEntry.objects.all()
    if region_path is not None:
        is_city_wide = region_path.count("/") <= 2
        if is_city_wide:
            from django.db.models import Q

            entries = entries.filter(Q(region_path__startswith=region_path) | Q(region_path=""))
        else:
            entries = entries.filter(region_path__startswith=region_path)
    if action:
        entries = entries.filter(action__startswith=action)
    if actor:
        entries = entries.filter(actor_label__icontains=actor)
    if target_type:
        entries = entries.filter(target_type=target_type)
    zone = timezone.get_current_timezone()
    if since:
        entries = entries.filter(created_at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=zone))
    if until:
        entries = entries.filter(created_at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=zone))
    return entries.order_by("-created_at", "-pk")
