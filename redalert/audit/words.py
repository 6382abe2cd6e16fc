"""The audit log's details in the reader's language.

Audit entries store stable English codes in `detail` ("what": "red alerts", "section": "legal", "changes": [field
names]) so that the log can be searched and verified whatever language the staff read it in; the audit page shows
them through `describe()`. A test (audit/tests/test_words.py) finds every "what" code written in the code base and
fails when one has no words here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

WHAT: dict[str, Any] = {
    "alert": _("Red Alert"),
    "alerts": _("Red Alerts"),
    "alert acknowledgement": _("acknowledgement of a Red Alert"),
    "alerts due diligence": _("due diligence of the authorities"),
    "audit trail": _("who saw and changed this case"),
    "care": _("care and services"),
    "consent": _("consent"),
    "consultation": _("consultation"),
    "channel account": _("SMS, WhatsApp or e-mail account"),
    "conversation": _("conversation (SMS, WhatsApp, e-mail)"),
    "conversation closed": _("conversation closed"),
    "conversation inbox": _("conversation inbox"),
    "conversation media": _("photo or voice note of a conversation"),
    "conversation reply": _("reply to a conversation"),
    "conversation to hotline contact": _("conversation turned into a hotline contact"),
    "conversation to report": _("conversation turned into a report"),
    "conversation to tip": _("conversation turned into a tip"),
    "edit": _("edit"),
    "edit form": _("edit form of the case file"),
    "facility": _("shelter or facility"),
    "facts form": _("trafficking facts form"),
    "found pairs": _("possible matches with people found"),
    "hotline contact": _("hotline contact"),
    "hotline emergency call": _("call to an authority for someone in immediate danger"),
    "hotline outcome": _("outcome of a hotline contact"),
    "hotline report": _("report opened from a hotline contact"),
    "hotline further report": _("hotline contact added to a case as a further report"),
    "hotline tip": _("tip added to a case from a hotline contact"),
    "hotline script": _("the hotline's script prompts"),
    "hotline statistics": _("the hotline's statistics"),
    "hotline urgency": _("urgency of a hotline contact"),
    "merge": _("merge of two case files"),
    "merge undone": _("merge undone"),
    "outcome": _("outcome"),
    "possible duplicate": _("possible duplicate"),
    "possible_duplicate": _("possible duplicate"),
    "publication": _("public site"),
    "red alert": _("Red Alert"),
    "red alerts": _("Red Alerts"),
    "rejected rows": _("rejected rows of an import"),
    "shared cases": _("cases shared with the organisation"),
    "transfer offer": _("offer of a transfer or referral"),
    "transfer offer form": _("form to offer a transfer or referral"),
    "transfer accepted": _("transfer or referral accepted"),
    "transfer rejected": _("transfer or referral rejected"),
    "transfer ended": _("transfer or referral withdrawn or ended by the sender"),
    "transfer consent withdrawn": _("shared access ended: consent to refer withdrawn"),
    "report": _("report"),
    "tasks": _("tasks"),
    "tips": _("tips"),
    "webhook delivery log": _("webhook delivery log"),
    "webhook secret rotated": _("webhook secret rotated"),
    "webhook subscription": _("webhook subscription"),
    "webhook subscription paused": _("webhook subscription paused"),
    "webhook subscription resumed": _("webhook subscription resumed"),
}

SECTIONS: dict[str, Any] = {
    "general": pgettext_lazy("section of a case file", "General"),
    "investigation": pgettext_lazy("section of a case file", "Investigation"),
    "legal": pgettext_lazy("section of a case file", "Legal"),
    "care": pgettext_lazy("section of a case file", "Care"),
    "health": pgettext_lazy("section of a case file", "Health and psychological care"),
    "shelter": pgettext_lazy("section of a case file", "Shelter"),
    "prevention": pgettext_lazy("section of a case file", "Prevention"),
}

# Where a changed field's name is looked up for its label, in order (the audit app imports no app above it).
_FIELD_MODELS = (("cases", "MissingPerson"), ("cases", "Case"), ("cases", "FamilyContact"))


def field_label(name: str) -> str:
    """The verbose name of a changed field of the case file ("missingperson.given_names" → "Nombres"), else the
    name itself."""
    prefix, _dot, field = name.rpartition(".")
    candidates = [("cases", prefix)] if prefix else list(_FIELD_MODELS)
    for app_label, model_name in candidates:
        try:
            model = apps.get_model(app_label, model_name)
            return str(capfirst(model._meta.get_field(field).verbose_name))
        except (LookupError, FieldDoesNotExist, AttributeError):
            continue
    return name


def describe(detail: dict[str, Any] | None) -> str:
    """ "Legal · Red Alerts · Nombres, Fecha de nacimiento" from an entry's detail."""
    detail = detail or {}
    parts: list[str] = []
    section = detail.get("section")
    if isinstance(section, str) and section:
        parts.append(str(SECTIONS.get(section, section)))
    what = detail.get("what")
    if isinstance(what, str) and what:
        parts.append(str(WHAT.get(what, what)))
    changes = detail.get("changes")
    if isinstance(changes, dict | list | tuple) and changes:
        parts.append(", ".join(field_label(str(name)) for name in _names(changes)))
    return " · ".join(parts)


def _names(changes: dict[str, Any] | Iterable[Any]) -> list[str]:
    return [str(name) for name in changes]
