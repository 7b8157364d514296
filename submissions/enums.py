from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    OPD = "opd", _("Department (OPD: dinas, badan, bagian)")
    SCHOOL = "school", _("School")
    PUSKESMAS = "puskesmas", _("Health centre (Puskesmas)")
    RSUD = "rsud", _("Regional hospital (RSUD)")
    KECAMATAN = "kecamatan", _("District or village office (kecamatan / kelurahan)")
    BUMD = "bumd", _("Regional company (BUMD)")
    OTHER = "other", _("Other")


class InnovationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    ENDORSED = "endorsed", _("Endorsed")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Ineligible")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ScreeningOutcome(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Ineligible")
    RETURNED = "returned", _("Returned for revision")


class EndorsementOutcome(models.TextChoices):
    ENDORSED = "endorsed", _("Endorsed")
    RETURNED = "returned", _("Returned for revision")
