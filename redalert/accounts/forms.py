from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import User
from redalert.accounts.passwords import temporary_password_expired
from redalert.accounts.roles import COALITION_ROLES, Role

# The roles an organisation's administrator may give: never the coalition-level ones.
ORGANISATION_ROLE_CHOICES = [(value, label) for value, label in Role.choices if value not in COALITION_ROLES]


class LoginForm(AuthenticationForm):
    """The sign-in form; an expired temporary password is refused with a clear message."""

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if temporary_password_expired(user):
            raise forms.ValidationError(
                _("Your temporary password has expired. Ask your administrator for a new one."),
                code="temporary_password_expired",
            )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app, or a backup code"),
        max_length=16,
        # Not inputmode=numeric: backup codes contain letters, and a phone's number pad could not type them.
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].replace(" ", "").strip()


class MemberForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        regex=r"^[a-z0-9._-]{3,40}$",
        error_messages={"invalid": _("Use 3 to 40 lower-case letters, digits, dots, dashes or underscores.")},
    )
    first_name = forms.CharField(label=_("Given names"), max_length=150)
    last_name = forms.CharField(label=_("Surnames"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("es", "Español"), ("en", "English"), ("pt", "Português")]
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=ORGANISATION_ROLE_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("That username is taken."))
        return username


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=ORGANISATION_ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Roles that open case files, and administration, take effect when a coordinator or another "
            "administrator approves them."
        ),
    )
