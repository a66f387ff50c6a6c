from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core.text import localized


class DateInput(forms.DateInput):
    input_type = "date"


class CertificateForm(forms.Form):
    period_start = forms.DateField(label=_("From"), widget=DateInput)
    period_end = forms.DateField(label=_("Until"), widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["period_start"].initial = dt.date(today.year, 1, 1)
        self.fields["period_end"].initial = today


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)


class CorrectionForm(forms.Form):
    hours = forms.DecimalField(label=_("Correct hours"), min_value=0, max_digits=5, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("Why should these hours be credited?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    uphold = forms.TypedChoiceField(
        label=_("Decision"), choices=[("1", _("Uphold: credit the hours")), ("0", _("Dismiss"))],
        coerce=lambda value: value == "1", widget=forms.RadioSelect,
    )
    answer = forms.CharField(label=_("Answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ShiftChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{localized(obj.project, 'title')} · {timezone.localtime(obj.starts_at):%Y-%m-%d %H:%M}"


class MissingHoursForm(forms.Form):
    shift = ShiftChoiceField(label=_("Shift"), queryset=None)
    hours = forms.DecimalField(label=_("Hours served"), min_value=0, max_digits=5, decimal_places=2)
    reason = forms.CharField(label=_("What happened?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, shifts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shift"].queryset = shifts


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return localized(obj, "name")


class ImportForm(forms.Form):
    organization = OrganizationChoiceField(label=_("Crediting organization"), queryset=None)
    file = forms.FileField(label=_("CSV or XLSX file"), help_text=_(
        "Columns: volunteer_number, started_at, ended_at, hours (YYYY-MM-DD HH:MM), optional project and note."))
    skip_bad_rows = forms.BooleanField(label=_("Save the good rows and skip the rows with errors"), required=False)

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=1000)


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Certificate code"), max_length=20)
