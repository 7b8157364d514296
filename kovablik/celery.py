import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kovablik.settings")

app = Celery("kovablik")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
