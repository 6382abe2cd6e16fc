"""The organisation's contact line on public pages, with its phone numbers as tap-to-call links.

Only the organisation's own public contact line and hotline go through this filter: they are texts an editor
writes for the public (never a family's or a tipster's phone, which never reach a public page).
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# "+52 55 5555 0100", "(502) 5555-0100", "800 123 4567": at least 7 digits, separated by spaces, dots or dashes.
_PHONE = re.compile(r"\+?\(?\d[\d\s().-]{5,}\d")


def _digits(text: str) -> str:
    return ("+" if text.startswith("+") else "") + re.sub(r"\D", "", text)


@register.filter(is_safe=True)
def call_links(text: str) -> SafeString:
    """The text escaped, with phone numbers as tel: links and e-mail addresses as mailto: links."""
    parts: list[str] = []
    position = 0
    for match in _PHONE.finditer(text or ""):
        number = match.group(0).strip()
        if len(re.sub(r"\D", "", number)) < 7:
            continue
        parts.append(urlize(text[position : match.start()], autoescape=True))
        parts.append(f'<a href="tel:{escape(_digits(number))}">{escape(number)}</a>')
        position = match.end()
    parts.append(urlize((text or "")[position:], autoescape=True))
    return mark_safe("".join(parts))  # every piece above is escaped
