"""Care given in the year: services to victims and families, humanitarian expenses."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from redalert.care.choices import HEALTH_SERVICE_TYPES, ExpenseCategory, Recipient, ServiceType
from redalert.care.models import Expense, Service
from redalert.statistics.loading import YearData
from redalert.statistics.tables import Cell, Column, Row, Table, count_cell


def services_table(data: YearData) -> Table:
    period = data.period
    rows_by_type: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for case_id, service_type, recipient in (
        data.of_cases(
            Service.objects.filter(given_on__gte=period.first_day, given_on__lte=period.last_day), served=True
        )
        .order_by()
        .values_list("case_id", "service_type", "recipient")
    ):
        rows_by_type[service_type].append((case_id, recipient))

    def cells(items: list[tuple[int, str]]) -> dict[str, Cell]:
        return {
            "services": Cell(len(items), cases=frozenset(c for c, _r in items)),
            "victims": count_cell({c for c, r in items if r == Recipient.VICTIM}),
            "families": count_cell({c for c, r in items if r == Recipient.FAMILY}),
        }

    rows = [
        Row(
            t.value,
            str(t.label),
            cells(rows_by_type[t.value]),
            case_section="health" if t in HEALTH_SERVICE_TYPES else "care",
        )
        for t in ServiceType
        if rows_by_type.get(t.value)
    ]
    everything = [item for items in rows_by_type.values() for item in items]
    rows.append(Row("total", _("All services"), cells(everything), kind="total"))
    return Table(
        "services",
        _("Services given"),
        [
            Column("services", _("Services")),
            Column("victims", _("Victims served")),
            Column("families", _("Families served")),
        ],
        rows,
        definition=_(
            "Services dated in %(year)s to the cases searched for or in follow-up in %(year)s, to the victim or to her "
            "family. People served: victims are counted once per case; the records do not identify each family member, "
            "so families are counted once per case."
        )
        % {"year": data.year},
        chart="services",
        case_section="care",
    )


def expenses_table(data: YearData) -> Table:
    period = data.period
    entries: dict[str, list[int]] = defaultdict(list)
    amounts: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    cases_by: dict[tuple[str, str], set[int]] = defaultdict(set)
    currencies: set[str] = set()
    for case_id, category, amount, currency in (
        data.of_cases(
            Expense.objects.filter(spent_on__gte=period.first_day, spent_on__lte=period.last_day), served=True
        )
        .order_by()
        .values_list("case_id", "category", "amount", "currency")
    ):
        entries[category].append(case_id)
        amounts[(category, currency)] += amount
        cases_by[(category, currency)].add(case_id)
        currencies.add(currency)
    ordered_currencies = sorted(currencies)

    def row_cells(categories: list[str]) -> dict[str, Cell]:
        cells = {
            "entries": Cell(
                sum(len(entries[c]) for c in categories), cases=frozenset(i for c in categories for i in entries[c])
            )
        }
        for currency in ordered_currencies:
            keys = [(c, currency) for c in categories if (c, currency) in amounts]
            if keys:
                cells[currency] = Cell(
                    sum((amounts[k] for k in keys), Decimal("0.00")),
                    unit=currency,
                    cases=frozenset(i for k in keys for i in cases_by[k]),
                )
        return cells

    rows = [Row(c.value, str(c.label), row_cells([c.value])) for c in ExpenseCategory if entries.get(c.value)]
    rows.append(Row("total", _("Total"), row_cells(list(entries)), kind="total"))
    return Table(
        "expenses",
        _("Humanitarian expenses"),
        [Column("entries", _("Entries"))] + [Column(c, c) for c in ordered_currencies],
        rows,
        definition=_(
            "Humanitarian expenses dated in %(year)s for the cases searched for or in follow-up in %(year)s, by "
            "category, in each currency as recorded: amounts in different currencies are never added together or "
            "converted."
        )
        % {"year": data.year},
        case_section="care",
    )
