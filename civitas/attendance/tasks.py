"""Background work for attendance. A scheduler (cron, or the worker's periodic jobs)
enqueues ``close_open_attendance_task`` every few minutes."""

from __future__ import annotations

from django_tasks import task

from civitas.attendance.services import close_open_attendance


@task(queue_name="default")
def close_open_attendance_task() -> int:
    return close_open_attendance()
