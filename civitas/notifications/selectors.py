from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from civitas.notifications.models import Delivery, DeliveryStatus, Message


def inbox(*, user: Any, unread_only: bool = False) -> QuerySet[Message]:
    messages = Message.objects.filter(recipient=user, in_inbox=True).select_related("sender")
    if unread_only:
        messages = messages.filter(read_at__isnull=True)
    return messages


def unread_count(*, user: Any) -> int:
    return Message.objects.filter(recipient=user, in_inbox=True, read_at__isnull=True).count()


def get_message_for_user(user: Any, pk: int) -> Message:
    """Someone else's message answers 404, as if it did not exist."""
    return get_object_or_404(Message, pk=pk, recipient=user, in_inbox=True)


def failed_deliveries() -> QuerySet[Delivery]:
    return Delivery.objects.filter(status=DeliveryStatus.FAILED).select_related("message__recipient").order_by(
        "-next_attempt_at", "-id"
    )


def get_project_for_messaging(user: Any, project_id: int, shift_id: int | None = None) -> tuple[Any, Any]:
    """The project (and shift) an organizer writes to; 404 for anyone who may not."""
    from django.http import Http404

    from civitas.notifications.permissions import can_message_project
    from civitas.projects.models import Project, Shift

    project = get_object_or_404(Project.objects.select_related("organization"), pk=project_id)
    if not can_message_project(user, project):
        raise Http404
    shift = get_object_or_404(Shift, pk=shift_id, project=project) if shift_id is not None else None
    return project, shift
