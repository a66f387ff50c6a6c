"""Django admin for committee staff, with the same permissions as the pages.

Committee staff and auditors sign in to the admin (their assignment makes them staff);
every list is scoped to the region they oversee, every change asks
civitas.organizations.permissions, and auditors only read. Writes go through services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from civitas.accounts.models import Qualification, Skill, VolunteerProfile
from civitas.accounts.services import volunteer_merge
from civitas.core.errors import Conflict
from civitas.organizations import permissions, services
from civitas.organizations.models import CommitteeAssignment, Membership, Organization, Region


class CommitteeScopedAdmin(admin.ModelAdmin):
    """Read for committee staff and auditors in their region; change only through actions."""

    region_path_field = "region__path"

    def _watched(self, request: HttpRequest) -> Region | None:
        return permissions.watched_region(request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        watched = self._watched(request)
        if watched is None:
            return queryset.none()
        return queryset.filter(**{f"{self.region_path_field}__startswith": watched.path})

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or self._watched(request) is not None

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(CommitteeScopedAdmin):
    region_path_field = "path"
    list_display = ("name", "name_en", "level", "code", "population")
    list_filter = ("level",)
    search_fields = ("name", "name_en", "code")
    fields = ("name", "name_en", "level", "parent", "code", "population", "latitude", "longitude")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser or permissions.can_manage_committee(request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("level", "parent", "code")

    def save_model(self, request: HttpRequest, obj: Region, form: Any, change: bool) -> None:
        # Only names and figures change here; the tree is built by region_create.
        Region.objects.filter(pk=obj.pk).update(
            name=obj.name, name_en=obj.name_en, latitude=obj.latitude, longitude=obj.longitude
        )
        services.region_set_population(region=obj, population=obj.population)


def _decide(action: str):  # type: ignore[no-untyped-def]
    def run(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        done = 0
        for organization in queryset:
            try:
                services.organization_decide(
                    organization=organization, action=action, actor=request.user,
                    reason=str(_("Decided in the admin")) if action != "approve" else "",
                )
                done += 1
            except (PermissionDenied, Conflict, ValidationError) as error:
                modeladmin.message_user(request, f"{organization}: {getattr(error, 'message', error)}", messages.WARNING)
        modeladmin.message_user(
            request, ngettext("%(count)d organization updated.", "%(count)d organizations updated.", done) % {"count": done}
        )

    run.__name__ = f"organizations_{action}"
    return run


@admin.register(Organization)
class OrganizationAdmin(CommitteeScopedAdmin):
    list_display = ("name", "kind", "unit_type", "region", "status", "member_count", "created_at")
    list_filter = ("status", "kind", "unit_type")
    search_fields = ("name", "name_en")
    list_select_related = ("region",)
    readonly_fields = ("status", "member_count", "created_by", "created_at")
    actions = [
        admin.action(description=_("Approve the selected organizations"))(_decide("approve")),
        admin.action(description=_("Suspend the selected organizations"))(_decide("suspend")),
    ]


@admin.register(Membership)
class MembershipAdmin(CommitteeScopedAdmin):
    region_path_field = "organization__region__path"
    list_display = ("user", "organization", "role", "status", "applied_at")
    list_filter = ("status", "role")
    list_select_related = ("user", "organization")
    search_fields = ("organization__name",)


@admin.register(CommitteeAssignment)
class CommitteeAssignmentAdmin(CommitteeScopedAdmin):
    list_display = ("user", "region", "role", "created_at")
    list_select_related = ("user", "region")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.can_manage_committee(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_manage_committee(request.user)

    def save_model(self, request: HttpRequest, obj: CommitteeAssignment, form: Any, change: bool) -> None:
        services.committee_assign(user=obj.user, region=obj.region, role=obj.role)


@admin.action(description=_("Merge: keep the first selected volunteer, fold the others into it"))
def merge_volunteers(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    if not permissions.is_committee_staff(request.user) and not request.user.is_superuser:
        raise PermissionDenied
    profiles = list(queryset.order_by("created_at"))
    if len(profiles) < 2:
        modeladmin.message_user(request, _("Select at least two records of one person."), messages.WARNING)
        return
    keep = profiles[0].user
    for profile in profiles[1:]:
        volunteer_merge(keep=keep, remove=profile.user, actor=request.user)
    modeladmin.message_user(request, _("Merged into %(name)s.") % {"name": profiles[0]})


@admin.register(VolunteerProfile)
class VolunteerProfileAdmin(CommitteeScopedAdmin):
    region_path_field = "home_community__path"
    list_display = ("real_name", "volunteer_number", "masked_id", "masked_mobile", "home_community", "created_at")
    search_fields = ("real_name", "volunteer_number")
    list_select_related = ("user", "home_community")
    exclude = ("id_number", "emergency_contact_mobile", "guardian_mobile")
    readonly_fields = ("masked_id", "masked_mobile")
    actions = [merge_volunteers]

    @admin.display(description=_("ID number"))
    def masked_id(self, obj: VolunteerProfile) -> str:
        return obj.masked_id_number

    @admin.display(description=_("Mobile number"))
    def masked_mobile(self, obj: VolunteerProfile) -> str:
        return obj.user.masked_mobile


@admin.register(Skill, Qualification)
class CatalogAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or permissions.is_committee_staff(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or permissions.is_city_staff(request.user)

    has_change_permission = has_view_permission  # type: ignore[assignment]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser
