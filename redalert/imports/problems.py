"""The reasons a row (or a file) is refused, as codes with parameters; the message is translated when shown, so
that the report reads in the language of whoever looks at it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REASONS: dict[str, Promise] = {
    # The file
    "file_too_large": _("The file is larger than %(limit)s MB."),
    "file_empty": _("The file is empty."),
    "not_utf8": _("The CSV file is not in UTF-8: save it as “CSV UTF-8” and upload it again."),
    "not_csv": _("This is not a CSV file that can be read (check that every quote is closed)."),
    "no_header": _("The first row must hold the column headers (case_reference, reported_on…), one per column."),
    "not_xlsx": _("This is not an Excel workbook (.xlsx) that can be read."),
    "old_excel": _("Old Excel files (.xls) cannot be read: save it as .xlsx or CSV UTF-8."),
    "unknown_format": _("Upload a CSV or an Excel (.xlsx) file."),
    "too_many_rows": _("The file has more than %(limit)s rows: split it into several files."),
    "no_rows": _("The file has a header but no rows."),
    "unknown_column": _(
        "Unknown column: rename it to one of the documented columns, or start its header with # to leave it out."
    ),
    "duplicate_column": _("This column appears twice."),
    "missing_column": _("This column is required."),
    "unexpected_error": _("The import stopped on an unexpected error; rows of the batch being saved were not saved."),
    # A cell
    "required": _("A value is required."),
    "too_long": _("At most %(max)s characters."),
    "invalid_date": _("Not a date: write it as YYYY-MM-DD (or DD/MM/YYYY)."),
    "future_date": _("The date is in the future."),
    "invalid_choice": _("Not one of the accepted values: %(accepted)s."),
    "invalid_number": _("Not a whole number."),
    "out_of_range": _("Must be between %(min)s and %(max)s."),
    "invalid_amount": _("Not an amount: write it like 1500.50, without thousands separators."),
    "negative_amount": _("An amount cannot be negative."),
    "invalid_currency": _("Not an ISO 4217 currency code (for example MXN, USD, GTQ)."),
    "unknown_place": _("No place of the gazetteer has this name or code."),
    "place_elsewhere": _(
        "No place of this name in the countries the organisation works in (%(countries)s); found elsewhere: "
        "%(examples)s. Add the country to the name, or use the code."
    ),
    "ambiguous_place": _("Several places have this name (%(examples)s): add the state and country, or use the code."),
    "unknown_country": _("Not an ISO 3166-1 country code or country name: %(value)s."),
    "extra_cell": _("A value under no column header."),
    # The row as a whole
    "other_organisation": _("This file is being imported for organisation %(code)s."),
    "duplicate_reference": _("The same case reference is already on line %(line)s of this file."),
    "reference_in_system": _(
        "A case with this reference was opened in the system, not imported: the import does not change it."
    ),
    "status_changed_in_system": _(
        "The status of this case was changed in the system after it was imported: the status columns of the file "
        "cannot overwrite it."
    ),
    "proceeding_worked_in_system": _(
        "The imported proceeding of this case has hearings, measures or reparations recorded in the system: the legal "
        "columns cannot replace it."
    ),
    "before_date": _("Cannot be before %(other)s (%(date)s)."),
    "after_date": _("Cannot be after %(other)s (%(date)s)."),
    "not_for_status": _("Only for a case whose status is %(statuses)s."),
    "located_date_needed": _("A case that was located needs the date she was located."),
    "closed_date_needed": _("A closed case needs the date it was closed."),
    "closed_date_needed_located": _(
        "A closed case needs the date it was closed. If that date is not known, give the status located_alive or "
        "located_deceased with located_on: the search ended on that day, and no closing date is invented."
    ),
    "outcome_needed": _("Say whether she was located alive or deceased."),
    "conflicts_with": _("Does not agree with %(other)s (%(value)s)."),
    "age_mismatch": _("Does not agree with the date of birth: she was %(age)s on the date last seen."),
    "legal_end_needed": _("Say how the representation ended: sentenced or declined (legal_representation_end)."),
    "legal_end_date_needed": _("Give the date the representation ended (or the date of the sentence)."),
    "representation_refused": _(
        "The row says legal representation was refused (legal_representation is “no”) and gives dates of a "
        "representation."
    ),
    "service_type_needed": _("Give the type of service for this date or cost."),
    "service_date_needed": _("Give the date the service was given."),
    "immigration_not_importable": _(
        "Immigration relief cannot be imported (it needs the remedy sought): record it on the case's care page."
    ),
    "cost_without_currency": _("Give the currency of the cost."),
    "currency_without_cost": _("Give the cost, or leave the currency empty if the cost is not known."),
    "expense_category_needed": _("Give the category of this expense."),
    "expense_date_needed": _("Give the date of the expense."),
    "expense_amount_needed": _("Give the amount of the expense."),
    "not_saved": _("The row could not be saved: %(detail)s"),
}


@dataclass(frozen=True)
class Problem:
    """A problem found in a row: where (line, column), what was there (value) and why (code, params)."""

    line: int
    column: str
    value: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return reason(self.code, self.params)


def reason(code: str, params: dict[str, Any] | None = None) -> str:
    """The reason for a code in the active language."""
    message = REASONS.get(code)
    if message is None:
        return code
    text = str(message)
    return text % params if params else text


class RowRejected(Exception):
    """A row that cannot be written (raised while saving, when the database disagrees with what was checked)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(", ".join(p.code for p in problems))
        self.problems = problems
