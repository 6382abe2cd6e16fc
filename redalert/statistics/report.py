"""The yearly report: its tables in order (`TABLES`), the report-wide definitions printed on it, and the
report assembled from the table builders of redalert.statistics.figures.

Every table takes the cases a report counts (redalert.statistics.scope) and a year through one
redalert.statistics.loading.YearData, so each related table is read once per report.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from redalert.lib.replica import reading_from_replica
from redalert.statistics.figures.alerts import alert_authorities_table, alerts_table
from redalert.statistics.figures.care import expenses_table, services_table
from redalert.statistics.figures.cases import follow_up_table, located_result_table, outcome_table, worked_table
from redalert.statistics.figures.legal import impunity_table, legal_table
from redalert.statistics.figures.people import (
    age_bins_table,
    age_group_table,
    indigenous_people_table,
    indigenous_table,
    nationality_table,
    sex_table,
)
from redalert.statistics.figures.places import destination_table, last_seen_table, origin_table, transit_table
from redalert.statistics.figures.trafficking import exploitation_table, organised_crime_table
from redalert.statistics.loading import YearData
from redalert.statistics.scope import Scope
from redalert.statistics.tables import Report, Table

TableBuilder = Callable[[YearData], Table]
# The report, in order: key → builder. The key is the table's key (exports, links).
TABLES: dict[str, TableBuilder] = {
    "worked": worked_table,
    "outcome": outcome_table,
    "located_result": located_result_table,
    "follow_up": follow_up_table,
    "sex": sex_table,
    "age_group": age_group_table,
    "age_bins": age_bins_table,
    "nationality": nationality_table,
    "indigenous": indigenous_table,
    "indigenous_people": indigenous_people_table,
    "places_last_seen": last_seen_table,
    "legal": legal_table,
    "impunity": impunity_table,
    "exploitation": exploitation_table,
    "organised_crime": organised_crime_table,
    "places_origin": origin_table,
    "places_transit": transit_table,
    "places_destination": destination_table,
    "services": services_table,
    "expenses": expenses_table,
    "alerts": alerts_table,
    "alert_authorities": alert_authorities_table,
}


def definitions(year: int) -> list[str]:
    """The report-wide definitions, as printed on the report."""
    return [
        _(
            "Cases worked in %(year)s (searched for during %(year)s) = new + carried over from %(previous)s. A case "
            "is searched for from the day it is reported until she is located, or until the case is closed without "
            "her being located; a closed case reopened to active search is searched for again from the reopening. "
            "Carried over: still searched for on 31 December %(previous)s; new: reported in %(year)s or reopened in "
            "%(year)s."
        )
        % {"year": year, "previous": year - 1},
        _(
            "Located in %(year)s = alive + deceased: the date located is in %(year)s. Not located at the end of "
            "%(year)s = cases worked − located in %(year)s; those still searched for on 31 December %(year)s are "
            "carried into %(next)s (the carried over of the report of %(next)s), the rest were closed without being "
            "located."
        )
        % {"year": year, "next": year + 1},
        _(
            "The search ends when she is located. Follow-up (services, legal accompaniment) after she was located is "
            "counted in its own table, cases in follow-up during %(year)s, and not as a case searched for; the "
            "sex, age, nationality, place and trafficking tables count the cases worked."
        )
        % {"year": year},
        _(
            "Dates are local dates in the time zone of this installation (%(tz)s): a report received at 23:59 on "
            "31 December counts in that year."
        )
        % {"tz": timezone.get_default_timezone_name()},
        _(
            "Every percentage says what it is of. “No data” rows count the cases with nothing recorded, or "
            "recorded as not known, for the question: they are never counted as zero or as a category."
        ),
    ]


def build_table(data: YearData, key: str) -> Table:
    return TABLES[key](data)


def yearly_report(scope: Scope, year: int, *, today: date | None = None) -> Report:
    """The yearly report of a scope: every table of TABLES, with the meta and definitions printed on it."""
    with reading_from_replica(), YearData(scope, year, today) as data:  # the heavy reads, on a replica if any
        tables = [builder(data) for builder in TABLES.values()]
    meta = [
        (_("Scope"), scope.name),
        (_("Year"), str(year)),
        (_("Produced on"), date_format(data.today, "SHORT_DATE_FORMAT")),
        (_("Cases counted"), scope.consent_rule()),
    ]
    if year >= data.today.year:
        meta.append(
            (
                _("Note"),
                _("The year is not over: figures up to %(today)s.")
                % {"today": date_format(data.today, "SHORT_DATE_FORMAT")},
            )
        )
    title = _("Yearly report %(year)s: %(scope)s") % {"year": year, "scope": scope.name}
    return Report(title, tables, meta=meta, definitions=definitions(year))
