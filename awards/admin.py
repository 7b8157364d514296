from django.contrib import admin

from awards import models


class ShortlistRowInline(admin.TabularInline):
    model = models.ShortlistRow
    extra = 0
    can_delete = False
    raw_id_fields = ["innovation"]


@admin.register(models.ShortlistSnapshot)
class ShortlistSnapshotAdmin(admin.ModelAdmin):
    list_display = ["stage", "rule", "published_at", "published_by", "content_hash"]
    list_filter = ["stage__competition"]
    inlines = [ShortlistRowInline]


@admin.register(models.Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["innovation", "place", "category", "competition"]
    list_filter = ["competition", "place"]
    raw_id_fields = ["innovation"]


@admin.register(models.Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["serial", "kind", "holder", "competition", "issued_at", "revoked_at"]
    list_filter = ["competition", "kind"]
    search_fields = ["serial", "code", "holder"]
    raw_id_fields = ["innovation", "judge", "award"]


@admin.register(models.GenerationJob)
class GenerationJobAdmin(admin.ModelAdmin):
    list_display = ["kind", "competition", "status", "done", "total", "created_at"]
    list_filter = ["kind", "status"]


@admin.register(models.Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ["innovation", "name", "filed_at", "answered_at"]
    list_filter = ["snapshot__stage__competition"]
    raw_id_fields = ["innovation", "snapshot"]


@admin.register(models.WinnersRelease)
class WinnersReleaseAdmin(admin.ModelAdmin):
    list_display = ["competition", "published_at", "published_by"]
