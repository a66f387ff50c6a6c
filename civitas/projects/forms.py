from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from civitas.accounts.models import Qualification, ServiceCategory, Skill, Weekday
from civitas.core.text import localized
from civitas.organizations.forms import RegionChoiceField
from civitas.organizations.models import Organization, Region, RegionLevel
from civitas.projects.models import ProjectStatus, WaitlistMode


class LocalizedMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):  # type: ignore[no-untyped-def]
        return localized(obj)


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ProjectSearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), max_length=100, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "养老 · elderly · yanglao"}))
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("Any")), *ServiceCategory.choices], required=False)
    region = RegionChoiceField(label=_("District"), queryset=Region.objects.exclude(level=RegionLevel.COMMUNITY).order_by("path"),
                               required=False, empty_label=_("Anywhere"))
    date_from = forms.DateField(label=_("Shifts from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Shifts until"), required=False, widget=DateInput)
    skill = forms.ModelChoiceField(label=_("Skill"), queryset=Skill.objects.order_by("code"), required=False,
                                   empty_label=_("Any"))
    near = forms.CharField(label=_("Near (latitude,longitude)"), max_length=60, required=False)
    radius_km = forms.FloatField(label=_("Within (km)"), min_value=0.1, max_value=500, required=False)
    open_only = forms.BooleanField(label=_("Open places only"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[
        ("", _("Best match")), ("date", _("Date")), ("distance", _("Distance")),
    ])

    def clean_near(self) -> tuple[float, float] | None:
        from civitas.projects.selectors import parse_near

        value = self.cleaned_data.get("near", "").strip()
        if not value:
            return None
        point = parse_near(value)
        if point is None:
            raise forms.ValidationError(_("Give a point as latitude,longitude."))
        return point


class ProjectForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("Title"), max_length=150)
    title_en = forms.CharField(label=_("English title"), max_length=150, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text=_("Paragraphs, bold, italics, lists and links are kept."))
    category = forms.ChoiceField(label=_("Category"), choices=ServiceCategory.choices)
    region = RegionChoiceField(label=_("Region"), queryset=Region.objects.exclude(level=RegionLevel.CITY).order_by("path"),
                               required=False, help_text=_("Leave empty for the organization's region."))
    place_name = forms.CharField(label=_("Place"), max_length=150, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False)
    beneficiary_kind = forms.CharField(label=_("Beneficiaries"), max_length=100, required=False)
    beneficiary_count = forms.IntegerField(label=_("Number of beneficiaries"), min_value=0, initial=0)
    budget = forms.DecimalField(label=_("Budget (yuan)"), max_digits=12, decimal_places=2, min_value=0, initial=0)
    cover_image = forms.FileField(label=_("Cover image"), required=False)
    starts_on = forms.DateField(label=_("Starts"), required=False, widget=DateInput)
    ends_on = forms.DateField(label=_("Ends"), required=False, widget=DateInput)
    insurer = forms.CharField(label=_("Insurer"), max_length=100, required=False)
    insurance_policy = forms.CharField(label=_("Insurance policy number"), max_length=60, required=False)
    insurance_starts_on = forms.DateField(label=_("Insurance from"), required=False, widget=DateInput)
    insurance_ends_on = forms.DateField(label=_("Insurance until"), required=False, widget=DateInput)

    def __init__(self, *args: Any, organizations: Any = None, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations


class ShiftForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150, required=False)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput)
    place_name = forms.CharField(label=_("Place"), max_length=150, required=False,
                                 help_text=_("Leave empty for the project's place."))
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=100000)
    hours_credited = forms.DecimalField(label=_("Hours credited"), max_digits=5, decimal_places=2)
    min_age = forms.IntegerField(label=_("Minimum age"), min_value=0, max_value=100, required=False)
    skills = LocalizedMultipleChoiceField(label=_("Skills needed"), queryset=Skill.objects.order_by("code"), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    qualifications = LocalizedMultipleChoiceField(label=_("Qualifications needed"), queryset=Qualification.objects.all(),
                                                  required=False, widget=forms.CheckboxSelectMultiple)
    requires_approval = forms.BooleanField(label=_("Sign-ups need approval"), required=False)
    requires_insurance = forms.BooleanField(label=_("Needs accident insurance"), required=False)
    signup_deadline = forms.DateTimeField(label=_("Sign-up deadline"), required=False, widget=DateTimeInput,
                                          help_text=_("Leave empty to take sign-ups until the start."))
    cancellation_cutoff_hours = forms.IntegerField(label=_("No cancelling within (hours)"), min_value=0, max_value=720, initial=2)
    waitlist_mode = forms.ChoiceField(label=_("Waitlist"), choices=WaitlistMode.choices, initial=WaitlistMode.AUTOMATIC)
    waitlist_limit = forms.IntegerField(label=_("Waitlist places"), min_value=0, required=False,
                                        help_text=_("Empty: no limit; 0: no waitlist."))
    weeks = forms.IntegerField(label=_("Repeat for (weeks)"), min_value=1, max_value=52, required=False,
                               help_text=_("For a weekly series: how many weeks, and on which weekdays."))
    weekdays = forms.MultipleChoiceField(label=_("Weekdays"), choices=Weekday.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput, max_length=20)
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    rating = forms.IntegerField(label=_("Rating (1 to 5)"), min_value=1, max_value=5, required=False)
    summary = forms.CharField(label=_("Summary of the results"), max_length=4000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    people_served = forms.IntegerField(label=_("People served"), min_value=0, required=False)


class ShiftCancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is the shift cancelled?"), max_length=1000)


STATUS_FILTER = [("", _("Any status")), *ProjectStatus.choices]
