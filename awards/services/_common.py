"""Helpers shared by the awards services."""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, **kwargs):
    """Send `task` once the transaction commits; if the broker is down, leave the job waiting instead of failing.

    A job whose message never left shows "waiting for the worker"; starting it again (button or management command)
    or a worker starting up re-sends what is left (see certificates.resume_unfinished_jobs).
    """

    def send():
        try:
            task.apply_async(kwargs=kwargs)
        except (OperationalError, ConnectionError, OSError):
            logger.warning("broker unreachable: %s %s stays queued", task.name, kwargs)

    transaction.on_commit(send)
