from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from civitas.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Sign-ins themselves: only superusers manage them here. Volunteers, organizations
    and committee roles are managed under Regions and organizations, scoped by region."""

    list_display = ("username", "first_name", "email", "masked_mobile", "language", "is_active", "is_staff")
    search_fields = ("username", "email", "first_name")
    readonly_fields = ("masked_mobile", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Contact"), {"fields": ("first_name", "email", "masked_mobile", "language")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )

    @admin.display(description=_("mobile"))
    def masked_mobile(self, obj: User) -> str:
        return obj.masked_mobile

    def has_module_permission(self, request):  # type: ignore[no-untyped-def]
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return request.user.is_superuser

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission
