from django.db import models
from django.utils.translation import gettext_lazy as _


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REOPENED = "reopened", _("Reopened")


class SheetAction(models.TextChoices):
    SAVE = "save", _("Saved")
    SUBMIT = "submit", _("Submitted")
    REOPEN = "reopen", _("Reopened")
