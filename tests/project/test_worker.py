"""A task goes through Redis to a real Celery worker process, which writes its result to the database."""

import uuid

import pytest

from kovablik.models import WorkerHeartbeat
from kovablik.tasks import ping_worker
from tests.services import wait_for

pytestmark = pytest.mark.integration


def test_task_through_redis_reaches_a_real_worker(live_worker):
    token = uuid.uuid4().hex
    ping_worker.apply_async(kwargs={"token": token})
    beat = wait_for(
        lambda: WorkerHeartbeat.objects.filter(token=token).first(), timeout=90, message="the worker's heartbeat row"
    )
    assert beat.hostname
    assert live_worker.proc.poll() is None
