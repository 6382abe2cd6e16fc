"""{% money amount currency %}: an amount as the organisation's country writes it (redalert.lib.numbers)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from redalert.lib.numbers import format_money

register = template.Library()


@register.simple_tag(takes_context=True)
def money(context: dict[str, Any], amount: Any, currency: str) -> str:
    request = context.get("request")
    organisation = getattr(getattr(request, "user", None), "organisation", None)
    return format_money(amount, currency, language=get_language() or "es", country=getattr(organisation, "country", ""))
