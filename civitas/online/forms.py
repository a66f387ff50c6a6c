from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from civitas.accounts.models import Qualification
from civitas.online.models import Lesson, OnlineTask, QuestionKind, TaskKind
from civitas.projects.models import Project, ProjectStatus


class TaskFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *TaskKind.choices], required=False)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class TaskForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none())
    title = forms.CharField(label=_("Title"), max_length=150)
    title_en = forms.CharField(label=_("English title"), max_length=150, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=TaskKind.choices)
    instructions = forms.CharField(label=_("Instructions"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    requires_link = forms.BooleanField(label=_("Ask for a link"), required=False)
    requires_text = forms.BooleanField(label=_("Ask for a text"), required=False)
    requires_image = forms.BooleanField(label=_("Ask for an image"), required=False)
    hours_per_submission = forms.DecimalField(label=_("Hours per accepted submission"), max_digits=5, decimal_places=2,
                                              min_value=0)
    quota_per_volunteer = forms.IntegerField(label=_("Submissions per volunteer"), min_value=1, initial=1)
    quota_total = forms.IntegerField(label=_("Submissions in total"), min_value=1)
    opens_at = forms.DateTimeField(label=_("Opens"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes"), widget=DateTimeInput())
    qualification = forms.ModelChoiceField(label=_("Qualification needed"), queryset=Qualification.objects.all(),
                                           required=False)

    def __init__(self, *args: Any, organizations: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(
            organization_id__in=organizations,
        ).exclude(status__in=[ProjectStatus.REJECTED, ProjectStatus.COMPLETED, ProjectStatus.EVALUATED]).order_by("-created_at")


class EvidenceForm(forms.Form):
    link = forms.CharField(label=_("Link"), max_length=500, required=False,
                           widget=forms.URLInput(attrs={"placeholder": "https://"}))
    text = forms.CharField(label=_("Text"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    image = forms.FileField(label=_("Image (JPEG, PNG or WebP)"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))

    def __init__(self, *args: Any, task: OnlineTask, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, required in (("link", task.requires_link), ("text", task.requires_text), ("image", task.requires_image)):
            if required:
                self.fields[name].required = True
            else:
                del self.fields[name]


class ReviewForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"), choices=[("1", _("Accept")), ("0", _("Reject"))], coerce=lambda v: v == "1"
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)


class QuizForm(forms.Form):
    """One field per question: radio buttons for one answer, checkboxes for several."""

    def __init__(self, *args: Any, questions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from civitas.core.text import localized

        for question in questions:
            choices = [(str(choice.pk), localized(choice, "text")) for choice in question.choices.all()]
            name = f"q{question.pk}"
            if question.kind == QuestionKind.MULTIPLE:
                self.fields[name] = forms.MultipleChoiceField(
                    label=localized(question, "text"), choices=choices, widget=forms.CheckboxSelectMultiple,
                    help_text=_("Choose every right answer."),
                )
            else:
                self.fields[name] = forms.ChoiceField(label=localized(question, "text"), choices=choices,
                                                      widget=forms.RadioSelect)

    def answers(self) -> dict[str, list[int]]:
        result = {}
        for name, value in self.cleaned_data.items():
            values = value if isinstance(value, list) else [value]
            result[name[1:]] = [int(v) for v in values if v]
        return result


class LessonAdminForm(forms.ModelForm):
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")

    class Meta:
        model = Lesson
        fields = ["course", "position", "title", "title_en", "body", "video_url", "attachment", "attachment_name"]

    def clean_body(self) -> str:
        from civitas.online.sanitize import sanitize_lesson_html

        return sanitize_lesson_html(self.cleaned_data.get("body", ""))
