import gc
import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kovablik.settings")

app = Celery("kovablik")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def load_before_forking(sender=None, **kwargs):
    """Load the PDF renderer in the worker's parent, then freeze the garbage collector, before the pool forks.

    A prefork child shares its parent's memory until it writes to it. Loaded lazily, WeasyPrint, Pango and the fonts
    were a private copy in every child (about 60 MB each); loaded here they are one shared copy. gc.freeze() moves
    everything loaded so far out of the collector's reach, so a child's collections do not write to (and so copy)
    the shared pages.
    """
    from awards.services.certificates import warm_up_renderer

    warm_up_renderer()
    gc.collect()
    gc.freeze()
