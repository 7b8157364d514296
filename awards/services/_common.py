"""Helpers shared by the awards services."""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

BROKER_DOWN = (OperationalError, ConnectionError, OSError)


def enqueue_on_commit(task, **kwargs):
    """Send `task` once the transaction commits; if the broker is down, leave the job waiting instead of failing."""
    enqueue_many_on_commit(task, [kwargs])


def enqueue_many_on_commit(task, kwargs_list):
    """Send one `task` message per kwargs once the transaction commits, over one producer connection.

    If the broker is unreachable the rest is not tried (each try would wait for its retries): the job shows
    "waiting for the worker", and starting it again (button or management command) or a worker starting up
    re-sends what is left (see certificates.resume_unfinished_jobs).
    """
    kwargs_list = list(kwargs_list)
    if not kwargs_list:
        return

    def send():
        try:
            if task.app.conf.task_always_eager:
                for kwargs in kwargs_list:
                    task.apply_async(kwargs=kwargs)
                return
            with task.app.producer_or_acquire() as producer:
                for kwargs in kwargs_list:
                    task.apply_async(kwargs=kwargs, producer=producer)
        except BROKER_DOWN:
            logger.warning("broker unreachable: %s x%s stays queued", task.name, len(kwargs_list))

    transaction.on_commit(send)
