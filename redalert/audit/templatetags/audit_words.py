"""{{ entry.detail|audit_detail }}: an audit entry's details in the reader's language (redalert.audit.words)."""

from __future__ import annotations

from typing import Any

from django import template

from redalert.audit.words import describe

register = template.Library()


@register.filter
def audit_detail(detail: dict[str, Any] | None) -> str:
    return describe(detail)
