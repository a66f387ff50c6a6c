"""Read-mostly admin for superusers; the pages and services are where staff work."""

from django.contrib import admin

from civitas.publicity.models import Article, Campaign, Comment, Honor, SensitiveWord, Tag


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "language", "status", "publish_at", "organization"]
    list_filter = ["kind", "status", "language"]
    search_fields = ["title", "slug"]
    readonly_fields = ["slug", "body", "status", "author", "created_at", "updated_at"]


@admin.register(Honor)
class HonorAdmin(admin.ModelAdmin):
    list_display = ["year", "category", "status", "volunteer", "organization", "project", "community"]
    list_filter = ["year", "category", "status"]
    readonly_fields = ["status", "nominated_by", "published_at", "created_at"]
    raw_id_fields = ["volunteer", "organization", "project", "community", "region", "nominating_organization"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_on", "ends_on"]
    raw_id_fields = ["projects", "created_by"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "is_hidden", "report_count", "created_at"]
    list_filter = ["status", "is_hidden"]
    readonly_fields = ["article", "project", "parent", "user", "name", "email", "text", "text_digest", "ip_digest",
                       "status", "held_reason", "report_count", "is_hidden", "decided_at", "decided_by"]


admin.site.register(SensitiveWord)
admin.site.register(Tag)
