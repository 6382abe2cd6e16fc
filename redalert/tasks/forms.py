from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import User


class TaskForm(forms.Form):
    title = forms.CharField(
        label=_("Task"), max_length=200, help_text=_("What must be done. No names or personal data: it goes by email.")
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_at = forms.DateTimeField(
        label=_("Due"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = owners
        if not self.is_bound:
            tomorrow = timezone.localtime() + timedelta(days=1)
            self.initial.setdefault("due_at", tomorrow.strftime("%Y-%m-%dT%H:%M"))
