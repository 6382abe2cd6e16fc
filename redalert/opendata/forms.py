from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class HtcdsExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("json", "JSON"), ("csv", "CSV")],
        initial="json",
        widget=forms.RadioSelect,
    )
    identifiers = forms.BooleanField(
        label=_("Include direct identifiers (names, birth date, exact dates, town)"),
        required=False,
        help_text=_(
            "Only for cases whose family also consented to referral to a partner organisation; the other cases stay "
            "pseudonymous. This export is recorded in the audit log with your name and the cases it contains."
        ),
    )

    def __init__(self, *args: Any, allow_identifiers: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not allow_identifiers:
            del self.fields["identifiers"]
