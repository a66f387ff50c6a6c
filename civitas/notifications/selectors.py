from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from civitas.core import rows
from civitas.notifications.models import Delivery, DeliveryStatus, Message, NotificationSettings


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


# A sign-up's notice (tasks.signup_notify, for every sign-up) reads the sign-up, its shift,
# project and organization, the volunteer and their choices: one statement written out,
# read with a plain cursor (civitas.core.rows), as select_related would but without
# compiling a five-table join for each notice (docs/performance.md, "Sign-ups"). The
# project's long texts are left deferred: no notice says them.
SIGNUP_NOTICE_SQL = """
SELECT {signup}, {shift}, {project}, {organization}, {user}, {choices}
FROM projects_signup su
JOIN projects_shift s ON s.id = su.shift_id
JOIN projects_project p ON p.id = s.project_id
JOIN organizations_organization o ON o.id = p.organization_id
JOIN accounts_user u ON u.id = su.volunteer_id
LEFT JOIN notifications_notificationsettings n ON n.user_id = u.id
WHERE su.id = %s
"""
PROJECT_TEXTS_LEFT_OUT = ("description", "evaluation_summary", "search_text", "search_bigrams")


@functools.cache
def _signup_notice_models() -> list[tuple[Any, list[Any]]]:
    """(model, fields) of each part of a SIGNUP_NOTICE_SQL row, in order."""
    from civitas.organizations.models import Organization
    from civitas.projects.models import Project, Shift, SignUp

    return [
        (model, rows.fields_of(model, leave_out=PROJECT_TEXTS_LEFT_OUT if model is Project else ()))
        for model in (SignUp, Shift, Project, Organization, get_user_model(), NotificationSettings)
    ]


@functools.cache
def _signup_notice_sql(database: str) -> str:
    parts = zip(("signup", "shift", "project", "organization", "user", "choices"), ("su", "s", "p", "o", "u", "n"),
                _signup_notice_models(), strict=True)
    return SIGNUP_NOTICE_SQL.format(**{
        name: rows.columns(model, table, database, fields) for name, table, (model, fields) in parts
    })


def signup_for_notice(signup_id: int) -> tuple[Any, NotificationSettings] | None:
    """The sign-up with its shift, project, organization and volunteer loaded, and the
    volunteer's notice choices (an unsaved default row when they never chose); None for
    a sign-up that is gone."""
    database = connection.alias
    with connection.cursor() as cursor:
        cursor.execute(_signup_notice_sql(database), [signup_id])
        row = cursor.fetchone()
    if row is None:
        return None
    loaded, at = [], 0
    for model, fields in _signup_notice_models():
        values = row[at:at + len(fields)]
        at += len(fields)
        loaded.append(rows.instance(database, model, values, fields) if values[0] is not None else None)
    signup, shift, project, organization, user, choices = loaded
    project.organization = organization
    shift.project = project
    signup.shift = shift
    signup.volunteer = user
    if choices is None:
        choices = NotificationSettings(user=user)
    else:
        choices.user = user
    return signup, choices
