from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from civitas.accounts.models import DayPart, Gender, IdType, ServiceCategory, Skill, Weekday
from civitas.core.text import localized
from civitas.organizations.selectors import communities

# format_lazy keeps the labels translatable: an f-string here would freeze them in
# whatever language was active when the module was imported.
AVAILABILITY_CHOICES = [(f"{day}:{part}", format_lazy("{} · {}", day_label, part_label)) for day, day_label in Weekday.choices for part, part_label in DayPart.choices]


class CommunityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):  # type: ignore[no-untyped-def]
        return f"{localized(obj.parent)} · {localized(obj)}" if obj.parent_id else localized(obj)


class SkillChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):  # type: ignore[no-untyped-def]
        return localized(obj)


def availability_from_choices(values: list[str]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for value in values:
        day, part = value.split(":", 1)
        result.setdefault(day, []).append(part)
    return result


def availability_to_choices(availability: dict[str, list[str]]) -> list[str]:
    return [f"{day}:{part}" for day, parts in (availability or {}).items() for part in parts]


class ProfileFieldsMixin(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=60, required=False,
                                   help_text=_("Shown in public instead of your real name, if you give one."))
    home_community = CommunityChoiceField(label=_("Home community"), queryset=communities(), required=False)
    skills = SkillChoiceField(label=_("Skills"), queryset=Skill.objects.all(), required=False,
                              widget=forms.CheckboxSelectMultiple)
    interests = forms.MultipleChoiceField(label=_("Service interests"), choices=ServiceCategory.choices,
                                          required=False, widget=forms.CheckboxSelectMultiple)
    availability = forms.MultipleChoiceField(label=_("When you are usually free"), choices=AVAILABILITY_CHOICES,
                                             required=False, widget=forms.CheckboxSelectMultiple)
    languages = forms.CharField(label=_("Languages you speak"), max_length=120, required=False,
                                help_text=_("For example: Mandarin, Cantonese, English"))
    emergency_contact_name = forms.CharField(label=_("Emergency contact"), max_length=60, required=False)
    emergency_contact_mobile = forms.CharField(label=_("Emergency contact's mobile"), max_length=20, required=False,
                                               widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))


class SignupForm(ProfileFieldsMixin):
    real_name = forms.CharField(label=_("Real name"), max_length=60, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False,
                             widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
                             help_text=_("A mobile number or an email address is needed to sign in."))
    email = forms.CharField(label=_("Email"), max_length=254, required=False,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=_("At least 8 characters, not only digits, not a common password."))
    password_again = forms.CharField(label=_("Password again"), strip=False,
                                     widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    id_type = forms.ChoiceField(label=_("ID type"), choices=[("", _("No ID document")), *IdType.choices], required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=30, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}),
                                help_text=_("A resident ID fills in your birth date and gender. It is never shown in full to others."))
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Needed when you give no resident ID."))
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, required=False)
    guardian_name = forms.CharField(label=_("Guardian's name (under 18)"), max_length=60, required=False)
    guardian_relation = forms.CharField(label=_("Guardian's relation"), max_length=30, required=False)
    guardian_mobile = forms.CharField(label=_("Guardian's mobile"), max_length=20, required=False,
                                      widget=forms.TextInput(attrs={"type": "tel"}))
    privacy_consent = forms.BooleanField(label=_("I have read the privacy notice and agree that Civitas keeps my data to organize volunteer service."))

    field_order = ["real_name", "mobile", "email", "password", "password_again", "id_type", "id_number", "birth_date",
                   "gender", "display_name", "home_community", "skills", "interests", "availability", "languages",
                   "emergency_contact_name", "emergency_contact_mobile", "guardian_name", "guardian_relation",
                   "guardian_mobile", "privacy_consent"]

    sections = [
        (_("Signing in"), ["real_name", "mobile", "email", "password", "password_again"]),
        (_("Identity"), ["id_type", "id_number", "birth_date", "gender"]),
        (_("How you would like to serve (optional)"), ["display_name", "home_community", "skills", "interests",
                                                       "availability", "languages"]),
        (_("Emergency contact (optional)"), ["emergency_contact_name", "emergency_contact_mobile"]),
        (_("Guardian (volunteers under 18)"), ["guardian_name", "guardian_relation", "guardian_mobile"]),
        (_("Privacy"), ["privacy_consent"]),
    ]

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", _("The two passwords differ."))
        return data


class ProfileForm(ProfileFieldsMixin):
    mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False,
                             widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    email = forms.CharField(label=_("Email"), max_length=254, required=False, widget=forms.EmailInput())
    bio = forms.CharField(label=_("About me"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    is_profile_public = forms.BooleanField(label=_("Show my public volunteer profile (name, hours, star level)"), required=False)

    field_order = ["display_name", "mobile", "email", "home_community", "skills", "interests", "availability",
                   "languages", "emergency_contact_name", "emergency_contact_mobile", "bio", "is_profile_public"]


class SignInForm(AuthenticationForm):
    username = forms.CharField(label=_("Mobile, email or username"), max_length=254,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Six-digit code"), max_length=12,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                                         "autofocus": True}))


class CloseAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password, to confirm"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    confirm = forms.BooleanField(label=_("I understand that closing my account cannot be undone."))


AUDIT_ACTIONS = [
    ("", _("All actions")),
    ("organization.", _("Organization decisions")),
    ("project.", _("Project decisions")),
    ("membership.", _("Membership decisions and roles")),
    ("committee.", _("Committee assignments")),
    ("volunteer.merge", _("Merged records")),
    ("personal_data.view", _("Full ID or phone viewed")),
    ("personal_data.export", _("Personal data downloaded")),
    ("account.close", _("Accounts closed")),
    ("export", _("Exports")),
    ("article.", _("Story approvals and returns")),
    ("honor.", _("Award decisions")),
    ("comment.", _("Comment moderation")),
    ("indicator.", _("Indicator changes")),
    ("assessment.", _("Assessment criteria and unit inputs")),
    ("funding.", _("Project funding")),
    ("record.", _("Service hours approved, rejected, corrected or imported")),
    ("appeal.", _("Appeals answered")),
    ("certificate.", _("Certificates revoked")),
    ("online_submission.", _("Online work accepted or rejected")),
    ("organizer_message.", _("Messages sent by organizers")),
]


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=AUDIT_ACTIONS, required=False)
    actor = forms.CharField(label=_("Who"), max_length=150, required=False)
    target_type = forms.CharField(label=_("Target type"), max_length=100, required=False,
                                  help_text=_("For example organizations.Organization"))
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
