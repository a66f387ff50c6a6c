"""The signed-in person's notifications: GET /api/v1/me/notifications, POST .../{id}/read."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from civitas.core.api import ErrorOut, token_auth
from civitas.notifications import selectors, services

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None
    is_read: bool


class NotificationFilter(Schema):
    unread_only: bool = False
    page: int = Field(1, ge=1, le=100_000)


class NotificationPage(Schema):
    items: list[NotificationOut]
    count: int
    unread: int


@router.get(
    "/me/notifications", response={200: NotificationPage, 401: ErrorOut, 422: ErrorOut}, auth=token_auth
)
def my_notifications(request: HttpRequest, filters: Query[NotificationFilter]) -> dict:
    user = request.auth
    per_page = 20
    messages = selectors.inbox(user=user, unread_only=filters.unread_only)
    page = filters.page
    return {
        "items": list(messages[(page - 1) * per_page : page * per_page]),
        "count": messages.count(),
        "unread": selectors.unread_count(user=user),
    }


@router.post(
    "/me/notifications/{notification_id}/read",
    response={200: NotificationOut, 401: ErrorOut, 404: ErrorOut},
    auth=token_auth,
)
def notification_read(request: HttpRequest, notification_id: int) -> object:
    message = selectors.get_message_for_user(request.auth, notification_id)
    return services.message_mark_read(message=message, user=request.auth)
