"""Template helpers for case pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()

UNKNOWN_CODES = {"", "unknown", "NonSpecifiedUnknown"}


@register.filter
def or_unknown(value: Any) -> Any:
    """Show a value, or a visible "not known" where nothing was recorded (unknown is not zero, nor blank)."""
    if value is None or (isinstance(value, str) and value.strip() in UNKNOWN_CODES) or value == []:
        return format_html('<span class="unknown">{}</span>', _("not known"))
    return value


@register.simple_tag
def display(obj: Any, field: str) -> Any:
    """obj.get_FIELD_display() when the stored code is known, else "not known"."""
    raw = getattr(obj, field)
    if raw is None or raw in UNKNOWN_CODES:
        return or_unknown(None)
    return getattr(obj, f"get_{field}_display")()


@register.filter
def join_or_unknown(values: list[str] | None) -> str | SafeString:
    if not values:
        return or_unknown(None)
    return ", ".join(values)
