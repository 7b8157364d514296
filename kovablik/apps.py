from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KovablikConfig(AppConfig):
    name = "kovablik"
    verbose_name = _("Kovablik")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from kovablik.security import mark_session

        user_logged_in.connect(mark_session, dispatch_uid="kovablik.security.mark_session")
