from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from civitas.notifications.models import Channel, Kind, NotificationSettings, allowed_channels


class PreferencesForm(forms.Form):
    email = forms.CharField(
        label=_("Email for notices"), required=False, max_length=254,
        help_text=_("Leave empty to use your account's email."),
    )
    mobile = forms.CharField(
        label=_("Mobile for SMS"), required=False, max_length=20,
        help_text=_("Leave empty to use your account's mobile."),
    )
    quiet_start = forms.TimeField(
        label=_("No SMS from"), required=False, widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("Text messages that fall in the quiet hours wait until they end."),
    )
    quiet_end = forms.TimeField(label=_("until"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    email_subscribed = forms.BooleanField(label=_("Send me email at all"), required=False)

    def __init__(self, *args: Any, current: NotificationSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[f"kind_{kind.value}"] = forms.MultipleChoiceField(
                label=kind.label, required=False, widget=forms.CheckboxSelectMultiple,
                choices=[(c.value, c.label) for c in Channel if c.value in allowed_channels(kind.value)],
            )
        if not self.is_bound:
            self.initial.update({
                "email": current.email, "mobile": current.mobile,
                "quiet_start": current.quiet_start, "quiet_end": current.quiet_end,
                "email_subscribed": current.email_unsubscribed_at is None,
                # The per-kind choice as it stands, whatever the "all email" switch says.
                **{f"kind_{k.value}": list(NotificationSettings(channels=current.channels).channels_for(k.value))
                   for k in Kind},
            })

    def kind_fields(self) -> list[Any]:
        return [self[f"kind_{kind.value}"] for kind in Kind]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "channels": {kind.value: data.get(f"kind_{kind.value}", []) for kind in Kind},
            "email": data.get("email", ""), "mobile": data.get("mobile", ""),
            "quiet_start": data.get("quiet_start"), "quiet_end": data.get("quiet_end"),
            "email_subscribed": data.get("email_subscribed", False),
        }


class ComposeForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(label=_("Message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 6}))
