"""The audit trail: ``audit(actor=..., action=..., target=..., details=...)``.

Call it inside the service's transaction, so the entry is written exactly when the
action is (a rolled-back action leaves no entry). The client's address comes from
``AuditContextMiddleware``; outside a request (commands, tasks) it is empty.

Actions are dotted names, ``<thing>.<verb>``: ``organization.approve``,
``membership.role``, ``personal_data.view``, ``personal_data.export``. docs/security.md
lists them.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse

from civitas.accounts.models import AuditEntry

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("civitas_audit_ip", default=None)


def _region_path(target: Any) -> str:
    """The path of the region a target belongs to, found by duck typing so that any
    app's objects work: a region itself, ``.region``, ``.organization.region``, a
    person's home community, ``.project.organization.region`` ..."""
    seen = 0
    candidates = [target]
    while candidates and seen < 12:
        obj = candidates.pop(0)
        seen += 1
        if obj is None:
            continue
        path = getattr(obj, "path", None)
        if isinstance(path, str) and path.startswith("/") and hasattr(obj, "level"):
            return path
        for name in ("region", "home_community", "organization", "volunteer", "project", "user"):
            # A missing reverse one-to-one raises a subclass of AttributeError: None here.
            value = getattr(obj, name, None)
            if value is not None and not callable(value):
                candidates.append(value)
    return ""


def audit(
    *,
    actor: Any,
    action: str,
    target: Any = None,
    details: dict[str, Any] | None = None,
    region: Any = None,
) -> AuditEntry:
    """Record one sensitive action. ``region`` overrides the region found from the target."""
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    target_type = target_id = target_label = ""
    if isinstance(target, models.Model):
        target_type = target._meta.label
        target_id = str(target.pk)
        try:
            target_label = str(target)[:200]
        except Exception:  # a label is a courtesy; the ids are the record
            target_label = ""
    region_path = _region_path(region) if region is not None else _region_path(target)
    return AuditEntry.objects.create(
        actor=actor if signed_in else None,
        actor_label=(actor.get_username() if signed_in else "")[:150],
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        region_path=region_path,
        details=details or {},
        ip=_client_ip.get(),
    )


class AuditContextMiddleware:
    """Remembers the client's address for the audit entries this request writes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from civitas.core.ratelimit import client_ip

        address = client_ip(request)
        token = _client_ip.set(address if address != "unknown" else None)
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)
