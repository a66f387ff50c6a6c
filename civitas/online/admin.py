from django.contrib import admin

from civitas.online.forms import LessonAdminForm
from civitas.online.models import Choice, Course, Lesson, OnlineTask, Question, Submission


class LessonInline(admin.StackedInline):
    model = Lesson
    form = LessonAdminForm
    extra = 0


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    show_change_link = True


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "qualification", "pass_mark", "credit_hours", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["title", "title_en"]
    raw_id_fields = ["organization", "created_by"]
    inlines = [LessonInline, QuestionInline]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "course", "kind", "position"]
    inlines = [ChoiceInline]


@admin.register(OnlineTask)
class OnlineTaskAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "kind", "opens_at", "closes_at", "quota_total"]
    list_filter = ["kind"]
    search_fields = ["title"]
    raw_id_fields = ["project", "organization", "created_by"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Read-only: reviews go through the review queue so the ledger is credited."""

    list_display = ["task", "volunteer", "status", "submitted_at", "reviewed_at", "hours"]
    list_filter = ["status"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
