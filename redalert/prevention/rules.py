"""The consistency rule of an activity's participant counts, stated once and called by Activity.clean().

Every count may be empty: "not recorded", which is not 0. The rule in one sentence: a breakdown needs a total,
never adds up to more than the total, and, when every group of a dimension (sex or age) is filled in, adds up to
exactly the total. A total with no breakdown, or with only part of one, is allowed: the rest is "not recorded".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from redalert.prevention.choices import AGE_COUNTS, SEX_COUNTS


def _dimension_errors(total: int | None, counts: Mapping[str, int | None], names: tuple[str, ...]) -> str | None:
    given = [counts.get(name) for name in names]
    known = [value for value in given if value is not None]
    if not known or total is None:
        return None
    subtotal = sum(known)
    if subtotal > total:
        return _("These groups add up to %(sum)s, more than the %(total)s participants.") % {
            "sum": subtotal,
            "total": total,
        }
    if len(known) == len(names) and subtotal != total:
        return _(
            "These groups add up to %(sum)s, not %(total)s. Leave a group empty if its number was not recorded."
        ) % {"sum": subtotal, "total": total}
    return None


def breakdown_errors(total: int | None, counts: Mapping[str, int | None]) -> dict[str, str]:
    """Errors of the participant counts, keyed by the field they belong to (the first count of a dimension)."""
    errors: dict[str, str] = {}
    if total is None and any(counts.get(name) is not None for name in (*SEX_COUNTS, *AGE_COUNTS)):
        errors["participants"] = _(
            "Give the total number of participants: a breakdown by sex or age needs a total "
            "(an estimate is fine; say so in the notes)."
        )
        return errors
    for names in (SEX_COUNTS, AGE_COUNTS):
        problem = _dimension_errors(total, counts, names)
        if problem:
            errors[names[0]] = problem
    return errors


def date_errors(held_on: date | None, ended_on: date | None, today: date | None = None) -> dict[str, str]:
    """An activity is recorded once held: it starts no later than today and ends no earlier than it starts."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if held_on is not None and held_on > today:
        errors["held_on"] = _("Record activities once they have taken place: the date cannot be in the future.")
    if held_on is not None and ended_on is not None and ended_on < held_on:
        errors["ended_on"] = _("The last day cannot be before the first day.")
    return errors
