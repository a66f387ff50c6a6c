from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.organizations.forms import RegionChoiceField
from civitas.organizations.models import Region, RegionLevel
from civitas.publicity.models import ArticleKind, HonorCategory


class CommentForm(forms.Form):
    """Leave a reply. The email is asked for moderation and replies, never shown."""

    name = forms.CharField(label=_("Name"), max_length=60)
    email = forms.EmailField(
        label=_("Email"), max_length=254, help_text=_("Your email address will not be published.")
    )
    text = forms.CharField(label=_("Comment"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The honeypot: hidden from people by CSS and aria-hidden, filled in by bots.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        if user is not None and user.is_authenticated and not kwargs.get("data") and not args:
            profile = getattr(user, "volunteer", None)
            kwargs.setdefault("initial", {}).update(
                {"name": profile.public_name if profile else user.get_full_name() or user.username,
                 "email": user.email or ""}
            )
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("Why should staff look at it?"), max_length=300, required=False)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value: Any) -> Any:
        if hasattr(value, "strftime"):
            # DateTimeField.prepare_value already gives local naive time; be safe with aware.
            if timezone.is_aware(value):
                value = timezone.localtime(value).replace(tzinfo=None)
            return value.strftime("%Y-%m-%dT%H:%M")
        return value


class ArticleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ArticleKind.choices, initial=ArticleKind.NEWS)
    language = forms.ChoiceField(label=_("Written in"), choices=settings.LANGUAGES)
    title = forms.CharField(label=_("Title"), max_length=150)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 16, "class": "editor", "data-editor": "article"}),
        help_text=_("Paragraphs, headings, bold, italic, links, lists, quotes and pictures are kept; anything else is removed."),
    )
    cover_image = forms.ImageField(label=_("Cover image"), required=False,
                                   help_text=_("JPEG, PNG or WebP, up to 5 MB."))
    tags = forms.CharField(label=_("Tags"), max_length=200, required=False, help_text=_("Separate tags with commas."))
    region = RegionChoiceField(label=_("Region"), required=False,
                               queryset=Region.objects.exclude(level=RegionLevel.COMMUNITY).order_by("path"))
    publish_at = forms.DateTimeField(
        label=_("Publish at"), required=False, widget=DateTimeLocalInput,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Leave empty to publish at once; a later time schedules it."),
    )
    allow_comments = forms.BooleanField(label=_("Comments open"), required=False, initial=True)
    project = forms.IntegerField(label=_("Project number"), required=False, min_value=1,
                                 help_text=_("The project the article is about, if any."))

    def clean_project(self) -> Any:
        from civitas.projects.models import Project

        number = self.cleaned_data.get("project")
        if not number:
            return None
        project = Project.objects.filter(pk=number).first()
        if project is None:
            raise forms.ValidationError(_("No project has this number."))
        return project

    def __init__(self, *args: Any, is_story: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if is_story:
            del self.fields["kind"]
            del self.fields["region"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HonorNominationForm(forms.Form):
    year = forms.IntegerField(label=_("Year"))
    category = forms.ChoiceField(label=_("Award"), choices=HonorCategory.choices)
    volunteer_number = forms.CharField(label=_("Volunteer number"), max_length=20, required=False,
                                       help_text=_("For an outstanding volunteer."))
    organization = forms.IntegerField(label=_("Organization number"), required=False,
                                      help_text=_("For an outstanding organization."))
    project = forms.IntegerField(label=_("Project number"), required=False, help_text=_("For an outstanding project."))
    community = RegionChoiceField(label=_("Community"), required=False,
                                  queryset=Region.objects.filter(level=RegionLevel.COMMUNITY).order_by("path"),
                                  help_text=_("For an outstanding community."))
    citation = forms.CharField(label=_("Citation"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    citation_en = forms.CharField(label=_("English citation"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    on_behalf_of = forms.ModelChoiceField(label=_("Nominating organization"), queryset=None, required=False)  # type: ignore[arg-type]

    def __init__(self, *args: Any, organizations: Any = None, is_committee: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        field = self.fields["on_behalf_of"]
        field.queryset = organizations  # type: ignore[attr-defined]
        field.required = not is_committee
        if is_committee:
            field.help_text = _("Leave empty to nominate as the committee.")


class HonorDecisionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject")), ("publish", _("Publish"))]
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)


class SensitiveWordForm(forms.Form):
    word = forms.CharField(label=_("Word"), max_length=60)


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    title_en = forms.CharField(label=_("English title"), max_length=150, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    summary_en = forms.CharField(label=_("English summary"), max_length=300, required=False)
    starts_on = forms.DateField(label=_("Starts"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends"), widget=forms.DateInput(attrs={"type": "date"}))
    project_ids = forms.CharField(
        label=_("Project numbers"), required=False, max_length=4000,
        help_text=_("The numbers of the projects in this campaign, separated by commas."),
    )

    def clean_project_ids(self) -> list[int]:
        import re

        raw = self.cleaned_data.get("project_ids", "")
        parts = [p for p in re.split(r"[\s,，、]+", raw) if p]
        if any(not p.isdigit() for p in parts):
            raise forms.ValidationError(_("Use project numbers separated by commas."))
        return sorted({int(p) for p in parts})
