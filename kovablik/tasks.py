import socket

from celery import shared_task


@shared_task(name="kovablik.ping_worker", acks_late=True)
def ping_worker(*, token: str) -> str:
    """Record that a worker picked this task up; the caller reads the row to know a worker is alive."""
    from kovablik.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(token=token, defaults={"hostname": socket.gethostname()})
    return token
