from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """Written by a Celery worker when asked, so pages can tell whether a worker is reachable."""

    token = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=200)
    seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"{self.hostname} {self.seen_at:%Y-%m-%d %H:%M:%S}"
