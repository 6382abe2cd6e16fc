"""The register as CSV: one row per activity, empty cells where a count was not recorded (never 0)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _

from redalert.prevention.choices import AGE_COUNTS, SEX_COUNTS, ActivityType, AudienceKind, Reach
from redalert.prevention.models import Activity

# Spreadsheets run cells that start with these as formulas; such text gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def header() -> list[str]:
    return [
        _("Date"),
        _("Last day"),
        _("Type of activity"),
        _("Theme"),
        _("Participants / institution"),
        _("Kind of audience"),
        _("Place"),
        _("State"),
        _("Country"),
        _("Reach"),
        _("Participants / people reached"),
        _("Women"),
        _("Men"),
        _("Other or sex not known"),
        _("Sex not recorded"),
        _("Children (0–11)"),
        _("Adolescents (12–17)"),
        _("Adults (18 and over)"),
        _("Age not known"),
        _("Age not recorded"),
        _("Notes"),
    ]


def _blank(value: int | None) -> object:
    return "" if value is None else value


def row(activity: Activity) -> list[object]:
    state = activity.state
    return [
        activity.held_on.isoformat(),
        activity.ended_on.isoformat() if activity.ended_on else "",
        ActivityType(activity.activity_type).label,
        activity.theme,
        activity.audience,
        AudienceKind(activity.audience_kind).label,
        activity.place.label if activity.place else "",
        state.name if state else "",
        activity.country_code,
        Reach(activity.reach).label,
        _blank(activity.participants),
        *(_blank(getattr(activity, name)) for name in SEX_COUNTS),
        _blank(activity.sex_not_recorded),
        *(_blank(getattr(activity, name)) for name in AGE_COUNTS),
        _blank(activity.age_not_recorded),
        activity.notes,
    ]


def register_csv(activities: Iterable[Activity]) -> str:
    """The CSV text (UTF-8 with the byte-order mark added by the view, for spreadsheets)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header())
    for activity in activities:
        writer.writerow([safe_cell(str(value)) for value in row(activity)])
    return buffer.getvalue()
