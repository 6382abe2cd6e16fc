"""The rule the apps above retention ask before they record anything new on a case (a tip, a further report, a
contact or conversation tied to it): nothing new is recorded on a case whose identity was erased, since what it
would bring back is exactly what the erasure took down."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from redalert.retention.models import ErasedCase


def is_erased(case: Any) -> bool:
    """Whether the case (or case id) carries the mark of an erased identity."""
    if case is None:
        return False
    return ErasedCase.objects.filter(case_id=getattr(case, "pk", case)).exists()


def erased_refusal(case: Any) -> str:
    """Why nothing new may be recorded on the case, or '' when it may."""
    if is_erased(case):
        return _("The identity of this case was erased: nothing new can be recorded on it.")
    return ""
