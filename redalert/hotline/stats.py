"""The hotline's statistics for one organisation and year, in the shape of seed 001's hotline analysis.

Every table is built with the yearly report's table structure (redalert.statistics.tables: cells, "no data" rows,
CSV) and, for publishing, hidden small cells with secondary suppression (redalert.opendata.suppression). The unit
is the contact; the definitions, one sentence each, are printed on the page (DEFINITIONS and each table's own):

- A contact belongs to the year and month of its start, as a local date in the installation's time zone.
- "Not asked" is never "no": an indicator counts as yes or no only when it was answered, and a contact for which no
  item of a checklist was answered is that table's "no data" row.
- An empty count of potential victims is "not known", never 0; the contacts without it are the "no data" row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from redalert.hotline.choices import CHECKLIST_CHOICES, Answer, CallerRelation, Channel, IndicatorGroup
from redalert.hotline.models import Contact
from redalert.opendata.config import publication_k
from redalert.opendata.suppression import suppress
from redalert.places.names import country_name
from redalert.statistics.figures.layout import NO_DATA
from redalert.statistics.tables import Cell, Column, Report, Row, Table, count_cell

NOT_ASKED = "not-asked"


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The first instant of the year and of the next, local time (the yearly report's rule)."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(date(year, 1, 1), time.min), zone)
    end = timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min), zone)
    return start, end


def contacts_in(organisation_id: int, year: int) -> QuerySet[Contact]:
    start, end = year_bounds(year)
    return Contact.objects.filter(organisation_id=organisation_id, started_at__gte=start, started_at__lt=end)


@dataclass(frozen=True)
class _C:
    """What the tables read of one contact (no encrypted field is read)."""

    pk: int
    month: int
    channel: str
    relation: str
    state: str
    country: str
    became_case: bool
    indicators: dict[str, str]
    victims: int | None
    breakdown: dict[str, int | None]


BREAKDOWN = [
    ("victims_female", "sex"),
    ("victims_male", "sex"),
    ("victims_sex_unknown", "sex"),
    ("victims_minors", "age"),
    ("victims_adults", "age"),
    ("victims_age_unknown", "age"),
    ("victims_foreign", "nationality"),
]


def _load(contacts: QuerySet[Contact]) -> list[_C]:
    rows = contacts.select_related("place__subdivision").only(
        "pk",
        "started_at",
        "channel",
        "caller_relation",
        "case_id",
        "tip_id",
        "indicators",
        "victims",
        *[name for name, _group in BREAKDOWN],
        "place__kind",
        "place__name",
        "place__country_code",
        "place__subdivision__name",
    )
    loaded = []
    for c in rows:
        place = c.place
        state = ""
        if place is not None and place.kind == "subdivision":
            state = place.name
        elif place is not None and place.subdivision is not None:
            state = place.subdivision.name
        loaded.append(
            _C(
                pk=c.pk,
                month=timezone.localtime(c.started_at).month,
                channel=c.channel,
                relation=c.caller_relation,
                state=state,
                country=place.country_code if place is not None else "",
                became_case=c.case_id is not None,
                indicators=c.indicators or {},
                victims=c.victims,
                breakdown={name: getattr(c, name) for name, _group in BREAKDOWN},
            )
        )
    return loaded


def _months() -> list[str]:
    return [str(MONTHS[m]) for m in range(1, 13)]


def _per_month(
    key: str, title: str, definition: str, data: list[_C], columns: Sequence[tuple[str, str]], attr: str
) -> Table:
    cols = [Column(code, label) for code, label in columns] + [Column("total", _("Total"))]
    months = _months()
    rows = []
    for month in range(1, 13):
        in_month = [c for c in data if c.month == month]
        cells = {code: count_cell(c.pk for c in in_month if getattr(c, attr) == code) for code, _label in columns}
        cells["total"] = count_cell(c.pk for c in in_month)
        rows.append(Row(f"{month:02d}", months[month - 1], cells))
    totals = {code: count_cell(c.pk for c in data if getattr(c, attr) == code) for code, _label in columns}
    totals["total"] = count_cell(c.pk for c in data)
    rows.append(Row("total", _("Year"), totals, kind="total"))
    return Table(key, title, cols, rows, definition=definition, chart=None)


def contacts_by_channel(data: list[_C]) -> Table:
    return _per_month(
        "contacts-channel",
        _("Contacts per month, by channel"),
        _("Contacts started in each month (local date), by the channel they came through."),
        data,
        [(str(c.value), str(c.label)) for c in Channel],
        "channel",
    )


def contacts_by_relation(data: list[_C]) -> Table:
    columns = [(str(c.value), str(c.label)) for c in CallerRelation] + [("", _("Not asked"))]
    table = _per_month(
        "contacts-relation",
        _("Contacts per month, by who called"),
        _(
            "The caller's relation to the person the contact is about (seed 001: caller proximity to the victim); "
            "“not asked” is the contacts where the question was not asked."
        ),
        data,
        columns,
        "relation",
    )
    for column in table.columns:
        if column.key == "":
            column.key = NOT_ASKED
    for row in table.rows:
        if "" in row.cells:
            row.cells[NOT_ASKED] = row.cells.pop("")
    return table


def _place_table(key: str, title: str, definition: str, data: list[_C], label_of: dict[str, str], attr: str) -> Table:
    groups: dict[str, list[_C]] = defaultdict(list)
    for c in data:
        groups[getattr(c, attr)].append(c)
    columns = [Column("contacts", _("Contacts"), percent=True), Column("cases", _("Became a case"))]
    total = len(data)
    rows = []
    for value in sorted((v for v in groups if v), key=lambda v: label_of.get(v, v)):
        members = groups[value]
        rows.append(
            Row(
                value,
                label_of.get(value, value),
                {
                    "contacts": count_cell((c.pk for c in members), total),
                    "cases": count_cell(c.pk for c in members if c.became_case),
                },
            )
        )
    unknown = groups.get("", [])
    rows.append(
        Row(
            NO_DATA,
            _("No data: place not recorded"),
            {
                "contacts": count_cell((c.pk for c in unknown), total),
                "cases": count_cell(c.pk for c in unknown if c.became_case),
            },
            kind="no_data",
        )
    )
    return Table(key, title, columns, rows, definition=definition, chart=None)


def by_state(data: list[_C]) -> Table:
    return _place_table(
        "places-state",
        _("Contacts and cases reported, by state"),
        _(
            "The state the contact is about (the state recorded, or the state of the town); a case reported is a "
            "contact that became a new report, a further report or a tip on a case."
        ),
        data,
        {},
        "state",
    )


def by_country(data: list[_C]) -> Table:
    countries = {c.country: country_name(c.country) for c in data if c.country}
    return _place_table(
        "places-country",
        _("Contacts and cases reported, by country"),
        _("The country the contact is about."),
        data,
        countries,
        "country",
    )


def victims(data: list[_C]) -> Table:
    known = [c for c in data if c.victims is not None]
    unknown = [c for c in data if c.victims is None]
    rows = [
        Row(
            "described",
            _("Potential victims described"),
            {"value": Cell(sum(c.victims or 0 for c in known), no_data=len(unknown))},
        ),
        Row(
            "contacts",
            _("Contacts describing at least one potential victim"),
            {"value": count_cell((c.pk for c in known if (c.victims or 0) > 0), len(data), len(unknown))},
        ),
        Row(
            "no-data",
            _("No data: contacts without the number of potential victims"),
            {"value": count_cell(c.pk for c in unknown)},
            kind="no_data",
        ),
    ]
    return Table(
        "victims",
        _("Potential victims described"),
        [Column("value", _("Number"), percent=True)],
        rows,
        definition=_(
            "The potential victims the callers described (the count given in each contact, added up); a contact "
            "without the count is no data, never 0."
        ),
        chart=None,
    )


def demographics(data: list[_C]) -> Table:
    labels = {name: str(getattr(Contact._meta.get_field(name), "verbose_name", name)) for name, _group in BREAKDOWN}
    describing = [c for c in data if (c.victims or 0) > 0]
    rows = []
    for name, group in BREAKDOWN:
        parts = [n for n, g in BREAKDOWN if g == group]
        no_breakdown = [c for c in describing if all(c.breakdown[p] is None for p in parts)]
        value = sum(c.breakdown[name] or 0 for c in describing)
        rows.append(Row(name, labels.get(name, name), {"value": Cell(value, no_data=len(no_breakdown))}))
    return Table(
        "demographics",
        _("Potential victims' demographics"),
        [Column("value", _("Potential victims"))],
        rows,
        definition=_(
            "Potential victims described, by sex, age and nationality, added up over the contacts describing at "
            "least one; “no data” counts the contacts that gave no breakdown of that kind."
        ),
        chart=None,
    )


def checklist(group: IndicatorGroup, key: str, title: str, definition: str, data: list[_C]) -> Table:
    choices = CHECKLIST_CHOICES[group]
    columns = [
        Column("yes", _("Yes"), percent=True),
        Column("no", _("No")),
        Column(NOT_ASKED, _("Not asked")),
    ]
    rows = []
    for item in choices:
        code = f"{group.value}:{item.value}"
        yes = [c.pk for c in data if c.indicators.get(code) == Answer.YES]
        no = [c.pk for c in data if c.indicators.get(code) == Answer.NO]
        asked = len(yes) + len(no)
        rows.append(
            Row(
                str(item.value),
                str(item.label),
                {
                    "yes": count_cell(yes, asked),
                    "no": count_cell(no),
                    NOT_ASKED: count_cell(c.pk for c in data if code not in c.indicators),
                },
            )
        )
    prefix = f"{group.value}:"
    nothing = [c.pk for c in data if not any(k.startswith(prefix) for k in c.indicators)]
    rows.append(
        Row(NO_DATA, _("No data: no item of this list asked"), {"yes": count_cell(nothing, len(data))}, kind="no_data")
    )
    return Table(key, title, columns, rows, definition=definition, chart=None)


def definitions() -> list[str]:
    return [
        _(
            "The unit is the contact: a call, a chat, a message thread or a visit to the hotline, counted in the "
            "year and month it started (local date, %(zone)s)."
        )
        % {"zone": timezone.get_current_timezone_name()},
        _("“Not asked” is never “no”: a percentage of “yes” is of the contacts where the item was asked."),
        _("Unknown is not zero: a count not given is no data, shown on its own row or as “no data: n”."),
    ]


def build(organisation_id: int, year: int, *, title: str) -> Report:
    data = _load(contacts_in(organisation_id, year))
    tables = [
        contacts_by_channel(data),
        contacts_by_relation(data),
        by_state(data),
        by_country(data),
        victims(data),
        demographics(data),
        checklist(
            IndicatorGroup.RECRUITMENT,
            "recruitment",
            _("Recruitment methods"),
            _("How the potential victim was recruited (HTCDS methods of recruitment), as answered in the contacts."),
            data,
        ),
        checklist(
            IndicatorGroup.CONTROL,
            "control",
            _("Force, fraud and coercion"),
            _("The methods of control described (HTCDS), as answered in the contacts."),
            data,
        ),
        checklist(
            IndicatorGroup.VENUE,
            "venues",
            _("Venues and industries"),
            _("Where the exploitation happens (seed 001's most common venues), as answered in the contacts."),
            data,
        ),
        checklist(
            IndicatorGroup.EXPLOITATION,
            "exploitation",
            _("Types of exploitation"),
            _("The types of exploitation described (HTCDS), as answered in the contacts."),
            data,
        ),
    ]
    return Report(
        title, tables, meta=[(_("Year"), str(year)), (_("Contacts"), str(len(data)))], definitions=definitions()
    )


# --- Publishing: small cells hidden --------------------------------------------------------------------------------


def suppressed(report: Report, k: int | None = None) -> Report:
    """The report with every cell describing 1 to k-1 contacts (or people) hidden, and enough others in the same
    table that none can be worked out (opendata.suppression, k ≥ 11); percentages and denominators are dropped."""
    k = publication_k(k)
    tables = [_suppress_table(table, k) for table in report.tables]
    footnote = _("— : hidden, fewer than %(k)s or enough to work out a hidden number.") % {"k": k}
    for table in tables:
        table.footnotes = [*table.footnotes, footnote]
    return Report(report.title, tables, meta=report.meta, definitions=report.definitions)


def _suppress_table(table: Table, k: int) -> Table:
    keys = [column.key for column in table.columns]
    grid: list[list[int]] = []
    for row in table.rows:
        grid.append([_as_count(row.cells.get(key)) for key in keys])
    result = suppress(grid, k=k, row_totals=False, column_totals=False, grand_total=False)
    rows = []
    for r, row in enumerate(table.rows):
        cells = {}
        for c, key in enumerate(keys):
            value = result.published(r, c)
            original = row.cells.get(key)
            if original is None:
                continue
            no_data = (
                original.no_data if original.no_data is None or original.no_data == 0 or original.no_data >= k else None
            )
            cells[key] = Cell(value, no_data=no_data)
        rows.append(Row(row.key, row.label, cells, kind=row.kind))
    return Table(
        table.key,
        table.title,
        table.columns,
        rows,
        definition=table.definition,
        footnotes=list(table.footnotes),
        chart=None,
    )


def _as_count(cell: Cell | None) -> int:
    if cell is None or cell.value is None:
        return 0
    return int(cell.value)


def cell_values(report: Report) -> Iterable[tuple[str, str, str, Cell]]:
    for table in report.tables:
        for row in table.rows:
            for key, cell in row.cells.items():
                yield table.key, row.key, key, cell
