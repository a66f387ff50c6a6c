"""The periodic sweep on the database queue: one chain, renewed by each run."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from civitas.notifications import tasks

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "notifications", "rollups"]}
}


def waiting_sweeps():
    return DBTaskResult.objects.filter(status="READY", task_path=tasks.sweep.module_path)


@pytest.fixture
def database_queue():
    with override_settings(TASKS=DATABASE_QUEUE):
        yield


def test_schedule_command_queues_one_sweep(database_queue, db):
    out = StringIO()
    call_command("send_due_reminders", "--schedule", stdout=out)
    call_command("send_due_reminders", "--schedule", stdout=out)
    assert waiting_sweeps().count() == 1
    assert "already queued" in out.getvalue()


def test_a_sweep_run_queues_the_next_one(database_queue, time_machine, db):
    time_machine.move_to(dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC), tick=False)
    assert tasks.sweep.call() == {"reminders": 0, "deliveries": 0}
    (next_sweep,) = waiting_sweeps()
    assert next_sweep.run_after == dt.datetime(2026, 12, 1, 1, 1, tzinfo=dt.UTC)


def test_without_a_deferring_backend_the_command_sweeps_once(cast):
    out = StringIO()
    call_command("send_due_reminders", stdout=out)
    assert "reminders sent: 0" in out.getvalue()
