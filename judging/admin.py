from django.contrib import admin

from judging import models


class CriterionLevelInline(admin.TabularInline):
    model = models.CriterionLevel
    extra = 0


@admin.register(models.Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["stage", "order", "code", "name", "weight", "min_score", "max_score", "step"]
    list_filter = ["stage__competition", "stage"]
    inlines = [CriterionLevelInline]


@admin.register(models.PanelMember)
class PanelMemberAdmin(admin.ModelAdmin):
    list_display = ["judge", "stage", "agency", "region", "withdrawn_at"]
    list_filter = ["stage"]
    raw_id_fields = ["judge", "agency"]


@admin.register(models.Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["judge", "competition", "agency", "innovation", "declared_at"]
    raw_id_fields = ["judge", "agency", "innovation"]


@admin.register(models.Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["judge", "innovation", "stage", "assigned_at", "released_at"]
    list_filter = ["stage"]
    raw_id_fields = ["judge", "innovation"]


class CriterionScoreInline(admin.TabularInline):
    model = models.CriterionScore
    extra = 0


@admin.register(models.ScoreSheet)
class ScoreSheetAdmin(admin.ModelAdmin):
    list_display = ["assignment", "status", "total", "submitted_at", "updated_at"]
    list_filter = ["status"]
    raw_id_fields = ["assignment"]
    inlines = [CriterionScoreInline]


@admin.register(models.SheetEvent)
class SheetEventAdmin(admin.ModelAdmin):
    list_display = ["sheet", "action", "actor", "at"]
    list_filter = ["action"]
    raw_id_fields = ["sheet"]
