"""Background work, through Django's task framework (django-tasks until Django 6).

The embedded default runs these on the database queue (``manage.py db_worker``); larger
deployments point settings.TASKS at Redis (docs/deploy.md, "Task queue").
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task, task_backends

from civitas.notifications import delivery, handlers, reminders, services
from civitas.notifications.models import Broadcast


@task(queue_name="notifications")
def deliver(delivery_id: int) -> str:
    return delivery.deliver(delivery_id)


@task(queue_name="notifications")
def signup_notify(event: str, signup_id: int) -> None:
    handlers.signup_notice(event, signup_id)


@task(queue_name="notifications")
def broadcast_fan_out(broadcast_id: int) -> int:
    broadcast = Broadcast.objects.select_related("project", "shift", "organization", "sender").get(pk=broadcast_id)
    return services.broadcast_deliver(broadcast=broadcast)


def sweep_once() -> dict[str, int]:
    return {"reminders": reminders.reminders_send_due(), "deliveries": delivery.deliver_due()}


@task(queue_name="notifications")
def sweep() -> dict[str, int]:
    """Send due reminders and retries, then queue the next sweep (a chain that restarts
    itself: ``manage.py send_due_reminders --schedule`` starts it, make run does so)."""
    try:
        return sweep_once()
    finally:
        sweep_schedule(after=dt.timedelta(seconds=services.config("SWEEP_INTERVAL_SECONDS")))


def sweep_pending() -> bool:
    """Is a sweep already waiting on the database queue? (Other backends cannot say.)"""
    backend = task_backends[sweep.backend]
    if type(backend).__module__.startswith("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.filter(status="READY", task_path=sweep.module_path).exists()
    return False


def sweep_schedule(*, after: dt.timedelta) -> bool:
    """Queue the next sweep unless one is waiting; answers whether one was queued."""
    if not task_backends[sweep.backend].supports_defer or sweep_pending():
        return False
    sweep.using(run_after=timezone.now() + after).enqueue()
    return True
