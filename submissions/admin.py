from django.contrib import admin

from submissions import models


@admin.register(models.Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "local_admin", "email"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "email"]


@admin.register(models.LocalAdmin)
class LocalAdminAdmin(admin.ModelAdmin):
    list_display = ["user", "region", "office"]
    raw_id_fields = ["user"]


@admin.register(models.AgencyMembership)
class AgencyMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "is_contact"]
    raw_id_fields = ["user", "agency"]


class AnswerInline(admin.StackedInline):
    model = models.Answer
    extra = 0


@admin.register(models.Innovation)
class InnovationAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "agency",
        "competition",
        "category",
        "group",
        "status",
        "entry_number",
        "stage_reached",
    ]
    list_filter = ["competition", "status", "category", "group__kind"]
    search_fields = ["title", "agency__name", "entry_number"]
    raw_id_fields = ["agency"]
    inlines = [AnswerInline]


@admin.register(models.Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "innovation", "requirement", "size", "uploaded_at"]
    raw_id_fields = ["innovation"]


@admin.register(models.StageEntry)
class StageEntryAdmin(admin.ModelAdmin):
    list_display = ["innovation", "stage", "entered_at"]
    list_filter = ["stage"]
    raw_id_fields = ["innovation"]


@admin.register(models.ScreeningDecision)
class ScreeningDecisionAdmin(admin.ModelAdmin):
    list_display = ["innovation", "outcome", "decided_by", "decided_at"]
    list_filter = ["outcome"]
    raw_id_fields = ["innovation"]


@admin.register(models.EndorsementDecision)
class EndorsementDecisionAdmin(admin.ModelAdmin):
    list_display = ["innovation", "outcome", "decided_by", "decided_at"]
    raw_id_fields = ["innovation"]
