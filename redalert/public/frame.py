"""The frame of the cached public pages, drawn once per template, language and page kind.

A list or case page is its content (cached, see redalert.public.pagecache) inside a frame: the header with the
language form, the footer. The frame is the same for every visitor except for one value, the current path the
language form returns to (part of the URL, so a shared cache may keep the page). The language form carries no CSRF
token: it posts to public:language, which only sets the language cookie (redalert.public.views.language). The
frame is drawn once per process with markers in their place (and in place of the title, the head and the
content), and each answer fills the markers in one pass, so that nothing filled in is ever read again as a marker.
Markers hold a NUL character, which no form lets into the data.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import get_template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

MARKERS = {name: f"\x00{name}\x00" for name in ("title", "meta", "body", "next")}
_MARKER = re.compile("\x00(title|meta|body|next)\x00")
_frames: dict[tuple[str, str, tuple[tuple[str, str], ...]], str] = {}


def _frame(template_name: str, fixed: dict[str, str]) -> str:
    key = (template_name, get_language() or "", tuple(sorted(fixed.items())))
    frame = _frames.get(key)
    if frame is None:
        context: dict[str, Any] = {
            **fixed,
            "title": MARKERS["title"],
            "meta": mark_safe(MARKERS["meta"]),  # a marker, replaced below
            "body": mark_safe(MARKERS["body"]),
            "request": {"get_full_path": MARKERS["next"]},
        }
        frame = _frames[key] = get_template(template_name).render(context)
    return frame


def render_page(
    request: HttpRequest, template_name: str, *, title: str = "", meta: str = "", body: str, **fixed: str
) -> HttpResponse:
    """The page `template_name` (which extends public/base.html and shows {{ title }}, {{ meta }} and {{ body }})
    with this visitor's path. `meta` and `body` are HTML drawn by our templates; `fixed` holds the
    few plain values the frame depends on (the navigation entry, the list)."""
    values = {
        "title": escape(title),
        "meta": meta,
        "body": body,
        "next": escape(request.get_full_path()),
    }
    html = _MARKER.sub(lambda match: values[match.group(1)], _frame(template_name, fixed))
    return HttpResponse(html)
