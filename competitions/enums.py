from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.TextChoices):
    CITY = "city", _("City / regency")
    PROVINCE = "province", _("Province")
    NATIONAL = "national", _("National")


class RegionKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    REGENCY = "regency", _("Regency (kabupaten)")
    CITY = "city", _("City (kota)")
    DISTRICT = "district", _("District (kecamatan)")


class GroupKind(models.TextChoices):
    GENERAL = "umum", _("General (umum)")
    REPLICATION = "replikasi", _("Replication (replikasi)")
    SPECIAL = "khusus", _("Special (khusus)")


class StageKind(models.TextChoices):
    SUBMISSION = "submission", _("Submission")
    SCREENING = "screening", _("Administrative screening")
    PROPOSAL = "proposal", _("Proposal evaluation")
    PRESENTATION = "presentation", _("Presentation and interview")
    FIELD_VISIT = "field_visit", _("Field verification")
    FINAL = "final", pgettext_lazy("stage", "Final")

    @classmethod
    def scored(cls):
        return {cls.PROPOSAL, cls.PRESENTATION, cls.FIELD_VISIT, cls.FINAL}


class Aggregation(models.TextChoices):
    MEAN = "mean", _("Mean")
    MEDIAN = "median", _("Median")
    TRIMMED_MEAN = "trimmed", _("Trimmed mean")
    ZSCORE = "zscore", _("Per-judge z-score normalisation")


class ShortlistRule(models.TextChoices):
    TOP_N = "top_n", _("Top N")
    PASS_MARK = "pass_mark", _("Pass mark")
    QUOTA = "quota", _("Quotas per category, group or region")


class AttachmentType(models.TextChoices):
    PDF = "pdf", _("PDF document")
    IMAGE = "image", _("Image (JPEG or PNG)")
    PDF_OR_IMAGE = "pdf_or_image", _("PDF or image")
