"""The humanitarian-expense ledger: totals per currency, per month and per year; money validation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from redalert.care.models import Expense
from redalert.care.money import Total, totals, validate_currency
from redalert.care.services import ledger_totals
from redalert.care.tests.helpers import EN, member

pytestmark = pytest.mark.django_db


def add(case: Any, by: Any, on: date, amount: str, currency: str, category: str = "food") -> Expense:
    return Expense.objects.create(
        case=case, category=category, spent_on=on, amount=Decimal(amount), currency=currency, recorded_by=by
    )


@pytest.fixture
def ledger(case: Any, coordinator: Any, make_case: Any, org_a: Any) -> Any:
    # March 2026: 100.50 + 20.25 MXN, 10.00 USD; April 2026: 300.00 MXN, 5.55 USD; December 2025: 1000.00 MXN.
    add(case, coordinator, date(2026, 3, 2), "100.50", "MXN", "travel_fares")
    add(case, coordinator, date(2026, 3, 31), "20.25", "MXN", "per_diem")
    add(case, coordinator, date(2026, 3, 15), "10.00", "USD", "medicine")
    add(case, coordinator, date(2026, 4, 1), "300.00", "MXN", "housing")
    add(case, coordinator, date(2026, 4, 30), "5.55", "USD", "lab_exams")
    add(case, coordinator, date(2025, 12, 31), "1000.00", "MXN", "clothing")
    other = make_case(org_a, coordinator, given_names="Otra")
    add(other, coordinator, date(2026, 3, 2), "999.99", "MXN")  # another case: never in this case's totals
    return case


def test_totals_per_case_are_per_currency(ledger: Any) -> None:
    result = ledger_totals(ledger)
    assert result["all"] == [
        Total(None, "MXN", Decimal("1420.75"), 4),
        Total(None, "USD", Decimal("15.55"), 2),
    ]


def test_totals_per_month(ledger: Any) -> None:
    assert ledger_totals(ledger)["month"] == [
        Total(date(2026, 4, 1), "MXN", Decimal("300.00"), 1),
        Total(date(2026, 4, 1), "USD", Decimal("5.55"), 1),
        Total(date(2026, 3, 1), "MXN", Decimal("120.75"), 2),
        Total(date(2026, 3, 1), "USD", Decimal("10.00"), 1),
        Total(date(2025, 12, 1), "MXN", Decimal("1000.00"), 1),
    ]


def test_totals_per_year(ledger: Any) -> None:
    assert ledger_totals(ledger)["year"] == [
        Total(date(2026, 1, 1), "MXN", Decimal("420.75"), 3),
        Total(date(2026, 1, 1), "USD", Decimal("15.55"), 2),
        Total(date(2025, 1, 1), "MXN", Decimal("1000.00"), 1),
    ]


def test_totals_across_cases_by_month(ledger: Any) -> None:
    march = [
        t for t in totals(Expense.objects.all(), date_field="spent_on", by="month") if t.period == date(2026, 3, 1)
    ]
    assert [(t.currency, t.amount) for t in march] == [("MXN", Decimal("1120.74")), ("USD", Decimal("10.00"))]


def test_amounts_are_decimals_not_floats(ledger: Any) -> None:
    assert all(isinstance(t.amount, Decimal) for t in ledger_totals(ledger)["all"])


def test_ledger_page_shows_totals(ledger: Any, client_for: Any, coordinator: Any) -> None:
    response = client_for(coordinator).get(reverse("care:case", args=[ledger.pk]), **EN)
    assert response.status_code == 200
    body = response.content.decode()
    # An organisation in Mexico: amounts as Mexico writes them, a foreign currency named.
    assert "$1,420.75" in body and "USD15.55" in body and "$120.75" in body


@pytest.mark.parametrize(
    ("amount", "currency", "field", "message"),
    [
        ("-5.00", "MXN", "amount", "An amount cannot be negative."),
        ("10.005", "MXN", "amount", "An amount has at most two decimals (cents)."),
        ("1,000.00", "MXN", "amount", "Write an amount such as 1250.50"),
        ("10.00", "XYZ", "currency", "“XYZ” is not an ISO 4217 currency code"),
        ("10.00", "", "currency", "Choose the currency."),
        ("", "MXN", "amount", "This field is required."),
    ],
)
def test_expense_validation_messages(
    case: Any, client_for: Any, coordinator: Any, amount: str, currency: str, field: str, message: str
) -> None:
    response = client_for(coordinator).post(
        reverse("care:expense_add", args=[case.pk]),
        {"category": "food", "spent_on": "2026-03-04", "amount": amount, "currency": currency},
        **EN,
    )
    assert response.status_code == 400
    assert message in str(response.context["expense_form"].errors[field])
    assert not Expense.objects.exists()


def test_bad_category_and_date_are_refused(case: Any, client_for: Any, coordinator: Any) -> None:
    response = client_for(coordinator).post(
        reverse("care:expense_add", args=[case.pk]),
        {"category": "champagne", "spent_on": "2026-02-30", "amount": "1", "currency": "MXN"},
        **EN,
    )
    errors = response.context["expense_form"].errors
    assert "Select a valid choice" in str(errors["category"])
    assert "Enter a valid date." in str(errors["spent_on"])


def test_expense_is_recorded_and_audited(case: Any, client_for: Any, coordinator: Any) -> None:
    from redalert.audit.models import AuditEntry

    response = client_for(coordinator).post(
        reverse("care:expense_add", args=[case.pk]),
        {"category": "transport", "spent_on": "2026-03-04", "amount": "350.5", "currency": "mxn"},
        **EN,
    )
    assert response.status_code == 302
    expense = Expense.objects.get()
    assert (expense.amount, expense.currency) == (Decimal("350.50"), "MXN")
    assert AuditEntry.objects.filter(object_type="care.expense", object_id=str(expense.pk), action="create").exists()


def test_validate_currency() -> None:
    from django.core.exceptions import ValidationError

    validate_currency("GTQ")
    for bad in ("usd", "US", "ABC", ""):
        with pytest.raises(ValidationError):
            validate_currency(bad)


def test_ledger_is_not_for_field_investigators(
    case: Any, client_for: Any, coordinator: Any, make_user: Any, org_a: Any
) -> None:
    investigator = member(make_user, org_a, case, coordinator, "field_investigator")
    client = client_for(investigator)
    assert client.get(reverse("care:case", args=[case.pk]), **EN).status_code == 404
    response = client.post(
        reverse("care:expense_add", args=[case.pk]),
        {"category": "food", "spent_on": "2026-03-04", "amount": "1", "currency": "MXN"},
    )
    assert response.status_code == 404
    assert not Expense.objects.exists()
