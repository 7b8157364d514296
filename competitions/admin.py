from django.contrib import admin

from competitions import models


class StageInline(admin.TabularInline):
    model = models.Stage
    extra = 0
    fields = ["order", "kind", "name", "opens_at", "closes_at", "shortlist_size", "pass_mark", "weight"]


class CategoryInline(admin.TabularInline):
    model = models.Category
    extra = 0


@admin.register(models.Competition)
class CompetitionAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "level", "organiser", "uses_endorsement", "is_public"]
    list_filter = ["level", "year", "is_public"]
    search_fields = ["name", "organiser"]
    prepopulated_fields = {"slug": ["name", "year"]}
    inlines = [CategoryInline, StageInline]


@admin.register(models.Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "is_remote"]
    list_filter = ["kind", "is_remote"]
    search_fields = ["name"]


@admin.register(models.CommitteeMember)
class CommitteeMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "competition", "position"]
    list_filter = ["competition"]
    raw_id_fields = ["user"]


@admin.register(models.EntryGroup)
class EntryGroupAdmin(admin.ModelAdmin):
    list_display = ["competition", "kind", "min_implementation_months", "entry_cap_per_agency"]
    list_filter = ["competition"]


@admin.register(models.Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = [
        "competition",
        "order",
        "kind",
        "name",
        "opens_at",
        "closes_at",
        "shortlist_size",
        "weight",
    ]
    list_filter = ["competition", "kind"]


@admin.register(models.Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["group", "order", "title", "word_limit", "required"]
    list_filter = ["group__competition", "group__kind"]


@admin.register(models.AttachmentRequirement)
class AttachmentRequirementAdmin(admin.ModelAdmin):
    list_display = ["competition", "code", "name", "allowed", "max_size_mb", "required"]
    list_filter = ["competition"]
