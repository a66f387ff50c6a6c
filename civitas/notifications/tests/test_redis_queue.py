"""The Redis configuration (docs/deploy.md, "Task queue"): tasks go to RQ through
django-tasks' RQ backend and an RQ worker runs them. Needs the local Redis."""

from __future__ import annotations

import os
from collections.abc import Iterator

import django_rq
import pytest
import redis
from django.test import override_settings
from django_tasks_rq import Job
from rq import SimpleWorker

from civitas.notifications import services
from civitas.notifications.models import Delivery, DeliveryStatus, Kind

# A database of its own per xdist worker, so two workers never flush each other's queue.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
REDIS_URL = f"redis://127.0.0.1:6379/{12 - int(WORKER.removeprefix('gw') or 0) % 4}"
QUEUES = ["default", "notifications", "rollups"]


@pytest.fixture
def rq_backend() -> Iterator[django_rq.queues.DjangoRQ]:
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": QUEUES}},
        RQ_QUEUES={name: {"URL": REDIS_URL} for name in QUEUES},
    ):
        queue = django_rq.get_queue("notifications", job_class=Job)
        try:
            queue.connection.ping()
        except redis.exceptions.ConnectionError:
            if os.environ.get("CI"):
                pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
            pytest.skip("Redis is not running on 127.0.0.1:6379")
        queue.connection.flushdb()
        yield queue
        queue.connection.flushdb()


def run_worker(queue) -> None:
    worker = django_rq.get_worker("notifications", worker_class=SimpleWorker, job_class=Job)
    worker.work(burst=True, with_scheduler=False)


@pytest.mark.redis
def test_delivery_goes_through_redis_and_an_rq_worker(cast, rq_backend, mailoutbox, django_capture_on_commit_callbacks):
    services.preferences_update(user=cast.volunteer, channels={Kind.HOURS: ["email"]}, email="li@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        message = services.notify(recipient=cast.volunteer, kind=Kind.HOURS, render=lambda: ("时长", "已通过", ""))
    delivery = Delivery.objects.get(message=message)

    # queued in Redis, not sent by the request
    assert rq_backend.count == 1
    assert delivery.status == DeliveryStatus.PENDING
    assert mailoutbox == []

    run_worker(rq_backend)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert [m.subject for m in mailoutbox] == ["时长"]


@pytest.mark.redis
def test_retry_is_scheduled_in_redis_for_its_time(cast, rq_backend, django_capture_on_commit_callbacks):
    with override_settings(SMS_BACKEND="civitas.notifications.sms.FailingSmsBackend"):
        services.preferences_update(user=cast.volunteer, channels={Kind.REMINDER: ["sms"]})
        with django_capture_on_commit_callbacks(execute=True):
            message = services.notify(recipient=cast.volunteer, kind=Kind.REMINDER, render=lambda: ("a", "b", ""))
        run_worker(rq_backend)

    delivery = Delivery.objects.get(message=message)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    registry = rq_backend.scheduled_job_registry
    job_ids = registry.get_job_ids()
    assert len(job_ids) == 1
    scheduled = registry.get_scheduled_time(job_ids[0])
    assert abs((scheduled - delivery.next_attempt_at).total_seconds()) < 1
