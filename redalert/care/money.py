"""Money: a decimal amount with an ISO 4217 currency, never a float; totals are never summed across currencies.

Used by care (services, the humanitarian-expense ledger) and legal (reparations, rates and estimates).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncYear
from django.utils.translation import gettext_lazy as _

MAX_DIGITS = 14
DECIMAL_PLACES = 2
CENT = Decimal("0.01")


def validate_currency(value: str) -> None:
    """A currency is a three-letter ISO 4217 code known to pycountry (e.g. MXN, USD, GTQ)."""
    if (
        not isinstance(value, str)
        or len(value) != 3
        or not value.isupper()
        or pycountry.currencies.get(alpha_3=value) is None
    ):
        raise ValidationError(
            _("“%(value)s” is not an ISO 4217 currency code (for example MXN, USD, GTQ)."),
            code="invalid_currency",
            params={"value": value},
        )


def validate_not_negative(value: Decimal | None) -> None:
    if value is not None and value < 0:
        raise ValidationError(_("An amount cannot be negative."), code="negative_amount")


def amount_field(verbose_name: Any, *, null: bool = False) -> models.DecimalField:
    """A non-negative amount with two decimals (null, where allowed, means "not known", distinct from zero)."""
    return models.DecimalField(
        verbose_name,
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        null=null,
        blank=null,
        validators=[MinValueValidator(Decimal("0"), message=_("An amount cannot be negative."))],
    )


def currency_field(verbose_name: Any = None, *, blank: bool = False) -> models.CharField:
    return models.CharField(
        verbose_name or _("currency (ISO 4217)"),
        max_length=3,
        blank=blank,
        validators=[validate_currency],
        help_text=_("Three-letter code, e.g. MXN, USD, GTQ."),
    )


def currency_choices() -> list[tuple[str, str]]:
    """ISO 4217 currencies for a select, the region's usual ones first."""
    first = ["MXN", "USD", "GTQ", "HNL", "EUR", "COP", "PEN", "ARS", "BRL", "DOP", "CRC", "NIO", "CLP", "BOB"]
    rest = sorted(c.alpha_3 for c in pycountry.currencies if c.alpha_3 not in first)
    return [(code, code) for code in first + rest]


@dataclass(frozen=True)
class Total:
    """The sum of the amounts in one currency over one period (period is None for "all time")."""

    period: date | None
    currency: str
    amount: Decimal
    count: int


def totals(rows: QuerySet[Any], *, date_field: str, amount_field: str = "amount", by: str = "all") -> list[Total]:
    """Sum `rows` per currency, and per month or per year when `by` is "month" or "year"; never across currencies.

    Newest period first; within a period, currencies in alphabetical order.
    """
    from django.db.models import Count

    if by not in ("all", "month", "year"):
        raise ValueError(f"Unknown period: {by}")
    qs = rows.order_by()
    group = ["currency"]
    if by != "all":
        trunc = TruncMonth if by == "month" else TruncYear
        qs = qs.annotate(period=trunc(date_field))
        group = ["period", "currency"]
    grouped = qs.values(*group).annotate(total=Sum(amount_field), n=Count("id")).order_by(*group)
    result = [
        Total(
            period=_as_date(row.get("period")),
            currency=row["currency"],
            amount=Decimal(row["total"]).quantize(CENT),
            count=row["n"],
        )
        for row in grouped
    ]
    result.sort(key=lambda t: t.period or date.min, reverse=True)
    return result


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def sum_by_currency(pairs: Iterable[tuple[Decimal, str]]) -> dict[str, Decimal]:
    """In-memory twin of `totals` for small lists: {currency: sum}."""
    result: dict[str, Decimal] = {}
    for amount, currency in pairs:
        result[currency] = result.get(currency, Decimal("0")) + amount
    return dict(sorted(result.items()))
