from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KovablikConfig(AppConfig):
    name = "kovablik"
    verbose_name = _("Kovablik")
