from django.db import models
from django.utils.translation import gettext_lazy as _


class Place(models.TextChoices):
    FIRST = "juara_1", _("Winner (Juara I)")
    SECOND = "juara_2", _("Runner-up (Juara II)")
    THIRD = "juara_3", _("Third place (Juara III)")
    HONOURABLE_1 = "harapan_1", _("Honourable mention I (Harapan I)")
    HONOURABLE_2 = "harapan_2", _("Honourable mention II (Harapan II)")
    HONOURABLE_3 = "harapan_3", _("Honourable mention III (Harapan III)")
    SPECIAL = "special", _("Special award")


class CertificateKind(models.TextChoices):
    PARTICIPATION = "participation", _("Participation")
    FINALIST = "finalist", _("Finalist")
    WINNER = "winner", _("Winner")
    JUDGE = "judge", _("Judge appreciation")


class JobKind(models.TextChoices):
    CERTIFICATES = "certificates", _("Certificates")
    LEADERBOARD = "leaderboard", _("Leaderboard PDF")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
