from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civitas.core.text import localized
from civitas.organizations.models import (
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Region,
    RegionLevel,
    UnitType,
)


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):  # type: ignore[no-untyped-def]
        depth = max(obj.path.count("/") - 2, 0)
        return "— " * depth + localized(obj)


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    name_en = forms.CharField(label=_("English name"), max_length=120, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganizationKind.choices)
    unit_type = forms.ChoiceField(label=_("Unit type"), choices=UnitType.choices, initial=UnitType.OTHER)
    region = RegionChoiceField(label=_("Region"), queryset=Region.objects.exclude(level=RegionLevel.CITY).order_by("path"))
    parent = forms.ModelChoiceField(
        label=_("Parent unit"),
        queryset=Organization.objects.filter(kind=OrganizationKind.MEMBER_UNIT, status=OrganizationStatus.APPROVED),
        required=False,
        help_text=_("For a team under a member unit."),
    )
    description = forms.CharField(label=_("Description"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=60)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, widget=forms.TextInput(attrs={"type": "tel"}))
    contact_email = forms.EmailField(label=_("Contact email"), required=False)


class OrganizationEditForm(forms.Form):
    name_en = forms.CharField(label=_("English name"), max_length=120, required=False)
    description = forms.CharField(label=_("Description"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=60)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, widget=forms.TextInput(attrs={"type": "tel"}))
    contact_email = forms.EmailField(label=_("Contact email"), required=False)


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject")), ("suspend", _("Suspend"))],
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class JoinForm(forms.Form):
    note = forms.CharField(label=_("A note to the organization"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class MembershipDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"), choices=[("1", _("Approve")), ("0", _("Reject"))], coerce=lambda v: v == "1"
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *OrganizationKind.choices], required=False)
    region = RegionChoiceField(label=_("District"), queryset=Region.objects.filter(level=RegionLevel.DISTRICT),
                               required=False, empty_label=_("All districts"))
