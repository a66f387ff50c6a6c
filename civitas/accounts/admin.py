from django.contrib import admin

from civitas.accounts.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: superusers and auditors with admin access read the trail here; nobody
    adds, changes or deletes."""

    list_display = ["created_at", "actor_label", "action", "target_type", "target_id", "region_path", "ip"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_id", "target_label"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_view_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        from civitas.organizations.permissions import is_auditor

        return request.user.is_active and (request.user.is_superuser or is_auditor(request.user))

    def has_module_permission(self, request):  # type: ignore[no-untyped-def]
        return self.has_view_permission(request)
