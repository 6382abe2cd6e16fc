from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UnlockRequestForm(forms.Form):
    account = forms.CharField(label=_("Username or e-mail address"), max_length=254)
