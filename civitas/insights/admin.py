from django.contrib import admin

from civitas.insights.models import AssessmentCriterion, AssessmentInput, Indicator, ProjectFunding


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "computation", "target", "unit", "is_active", "position")
    list_editable = ("target", "is_active", "position")


@admin.register(AssessmentCriterion)
class AssessmentCriterionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "measure", "weight", "full_marks_at", "is_active", "position")


@admin.register(AssessmentInput)
class AssessmentInputAdmin(admin.ModelAdmin):
    list_display = ("organization", "year", "headcount", "honors")
    list_filter = ("year",)
    raw_id_fields = ("organization",)


@admin.register(ProjectFunding)
class ProjectFundingAdmin(admin.ModelAdmin):
    list_display = ("project", "source", "budgeted", "received", "spent")
    raw_id_fields = ("project",)
    # Funding moves the rollups, so it is changed through the funding page (services), not here.
    readonly_fields = ("project", "source", "budgeted", "received", "spent", "note", "updated_by", "updated_at")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
