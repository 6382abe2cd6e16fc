"""What the audit log keeps of a staff case search: enough to audit it, never the text typed.

Names typed into the search are not written: only which criteria were filled, a keyed digest of the normalised
text (HMAC with a key derived from SECRET_KEY, redalert.audit.log.keyed_digest: the same name typed twice gives
the same digest, so an auditor holding the key can check whether a given name was searched, but the log alone
says nothing), and the filters that identify nobody (status, dates, place, state and assigned member ids).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.db import models

from redalert.audit.log import keyed_digest
from redalert.lib.text import fold

SEARCH_DIGEST_PURPOSE = "case-search"
_NON_WORD = re.compile(r"[^\w]+")
# The fields whose value is written as it is (ids, a status, dates); any other filled field is named only.
PLAIN_FIELDS = ("status", "state", "place", "seen_from", "seen_to", "assigned")


def normalised_search_text(text: str) -> str:
    """ "  María-José  LÓPEZ " → "maria jose lopez": the same search typed differently gives the same digest."""
    return " ".join(_NON_WORD.sub(" ", fold(text)).replace("_", " ").split())


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, date):
        return value.isoformat()
    return value


def _filled(value: Any) -> bool:
    if isinstance(value, list | tuple):  # a widget of several inputs (the place picker: text and id)
        return any(_filled(part) for part in value)
    return bool(str(value or "").strip())


def search_audit_detail(form: forms.Form) -> dict[str, Any]:
    """The audit detail of one search with a bound (and validated) form: criteria, digest, plain filters."""
    criteria = sorted(name for name in form.fields if _filled(form[name].data))
    detail: dict[str, Any] = {"list": "cases", "criteria": criteria}
    text = str(form["q"].data or "") if "q" in form.fields else ""
    if text.strip():
        detail["text_digest"] = keyed_digest(SEARCH_DIGEST_PURPOSE, normalised_search_text(text))
    cleaned = getattr(form, "cleaned_data", {})
    for name in PLAIN_FIELDS:
        value = cleaned.get(name)
        if value not in (None, ""):
            detail[name] = _plain(value)
    if form.errors:
        detail["invalid"] = sorted(form.errors)
    return detail
