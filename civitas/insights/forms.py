from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civitas.insights.models import AssessmentCriterion, FundingSource, Indicator


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["code", "name", "name_en", "description", "computation", "target", "unit", "position", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class CriterionForm(forms.ModelForm):
    class Meta:
        model = AssessmentCriterion
        fields = ["code", "name", "name_en", "measure", "weight", "full_marks_at", "position", "is_active"]


class AssessmentInputForm(forms.Form):
    headcount = forms.IntegerField(label=_("People in the unit"), min_value=0)
    honors = forms.IntegerField(label=_("Honors received"), min_value=0, initial=0)


class FundingForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=FundingSource.choices)
    budgeted = forms.DecimalField(label=_("Budgeted (yuan)"), min_value=0, max_digits=14, decimal_places=2)
    received = forms.DecimalField(label=_("Received (yuan)"), min_value=0, max_digits=14, decimal_places=2)
    spent = forms.DecimalField(label=_("Spent (yuan)"), min_value=0, max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
