"""Legal assistance in the year (representation, complaints, convictions) and impunity."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from redalert.statistics.figures.layout import cases_column, no_data_row
from redalert.statistics.loading import YearData
from redalert.statistics.periods import open_during
from redalert.statistics.tables import Cell, Column, Row, Table, count_cell


def legal_table(data: YearData) -> Table:
    period = data.period
    legal = data.legal
    total = data.served_total
    active = [p for p in legal.proceedings if open_during(p.periods, period)]
    filed = [p for p in legal.proceedings if p.complaint_filed_on in period]
    dated_cases = {p.case_id for p in filed}
    undated = {p.case_id for p in legal.proceedings if p.complaint_filed_on is None} - dated_cases
    convicted = [(c, on) for c, on in legal.convictions if on in period]
    convicted_cases = {c for c, _on in convicted}
    undated_convictions = {c for c, on in legal.convictions if on is None} - convicted_cases
    without_lawyer = sum(1 for p in active if not p.has_lawyer)
    rows = [
        Row(
            "representation",
            _("Legal representation active in %(year)s") % {"year": data.year},
            {
                "cases": count_cell({p.case_id for p in active}, total),
                "records": Cell(len(active)),
            },
        ),
        Row(
            "complaints",
            _("Complaints filed in %(year)s") % {"year": data.year},
            {"cases": count_cell(dated_cases, total, len(undated)), "records": Cell(len(filed))},
        ),
        Row(
            "convictions",
            _("Convictions in %(year)s") % {"year": data.year},
            {
                "cases": count_cell(convicted_cases, total, len(undated_convictions)),
                "records": Cell(len(convicted)),
            },
        ),
    ]
    return Table(
        "legal",
        _("Legal assistance"),
        [Column("cases", _("Cases"), percent=True), Column("records", _("Proceedings / complaints / persons"))],
        rows,
        definition=_(
            "Of the cases searched for or in follow-up in %(year)s. Legal representation: a proceeding the "
            "organisation accompanies (recorded with the family's consent to legal representation) was under way at "
            "some time in %(year)s: from the complaint, or from the day the organisation began to represent her if "
            "that was earlier, until a sentence or a decline, again from an appeal. "
            "Complaints: proceedings whose complaint is dated in %(year)s. Convictions: accused persons convicted with "
            "a date in %(year)s. Percentages are of the cases searched for or in follow-up; “no data” counts cases "
            "whose complaint or conviction date is not recorded."
        )
        % {"year": data.year},
        footnotes=[
            _("%(n)s of the proceedings under way have no responsible lawyer recorded.") % {"n": without_lawyer}
        ],
        case_section="legal",
    )


def impunity_table(data: YearData) -> Table:
    last = data.period.last_day
    legal = data.legal
    complaint_cases = {
        p.case_id for p in legal.proceedings if p.complaint_filed_on is not None and p.complaint_filed_on <= last
    }
    undated = {p.case_id for p in legal.proceedings if p.complaint_filed_on is None} - complaint_cases
    convicted = {c for c, _on in legal.convictions}
    with_conviction = complaint_cases & convicted
    without = complaint_cases - convicted
    n = len(complaint_cases)
    rows = [
        Row(
            "complaints",
            _("Cases with a complaint filed by 31 December %(year)s") % {"year": data.year},
            {"cases": count_cell(complaint_cases, data.served_total)},
            kind="total",
        ),
        Row("impunity", _("No conviction (impunity)"), {"cases": count_cell(without, n, len(undated))}),
        Row("convicted", _("At least one conviction"), {"cases": count_cell(with_conviction, n, len(undated))}),
        no_data_row(_("No data: complaint date not recorded"), undated, data.served_total),
    ]
    return Table(
        "impunity",
        _("Impunity"),
        cases_column(),
        rows,
        definition=_(
            "Of the cases searched for or in follow-up in %(year)s with a complaint filed on or before 31 December "
            "%(year)s: the share with no accused person convicted as of the date this report was produced (%(today)s). "
            "The first row is a percentage of the cases searched for or in follow-up, the next two of the cases with a "
            "complaint."
        )
        % {"year": data.year, "today": date_format(data.today, "SHORT_DATE_FORMAT")},
        case_section="legal",
    )
