"""Money and numbers written the way the organisation's country writes them.

Mexico, Guatemala and Honduras write 1,450.50; Colombia, Argentina and Brazil write 1.450,50. Django's own
localisation formats by language only ("es" → 1450,50), so amounts go through Babel (CLDR data, kept by the
Unicode consortium) with the locale of the organisation's country (its most likely language: MX → es_MX,
BR → pt_BR): a caseworker reading in Portuguese in Mexico still sees the amounts as the receipts write them.
Without a country, the reader's language decides.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, format_decimal


@lru_cache(maxsize=128)
def number_locale(language: str, country: str) -> str:
    """The country's locale ("MX" → "es_MX", "BR" → "pt_BR") when CLDR knows it, else the reader's language."""
    if country:
        try:
            return str(Locale.parse(f"und_{country.upper()}"))
        except (UnknownLocaleError, ValueError):
            pass
    return (language or "es").split("-")[0].lower()


# The country whose way of writing numbers the current request uses: the signed-in member's organisation's (set by
# NumbersByCountryMiddleware); empty outside a request (commands) or for visitors, where the language decides.
_country: ContextVar[str] = ContextVar("redalert_number_country", default="")


def current_country() -> str:
    return _country.get()


class NumbersByCountryMiddleware:
    """Sets current_country() to the member's organisation's country for the request (after authentication)."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        organisation = getattr(getattr(request, "user", None), "organisation", None)
        token = _country.set(getattr(organisation, "country", "") or "")
        try:
            return self.get_response(request)
        finally:
            _country.reset(token)


def format_grouped(value: Decimal | float | int, decimals: int, *, language: str, country: str | None = None) -> str:
    """A figure with thousands grouping and a fixed number of decimals, as the country (default: the request's)
    writes it: format_grouped(1234.5, 1, language="es", country="MX") == "1,234.5"."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    country = current_country() if country is None else country
    return format_decimal(value, format=pattern, locale=number_locale(language, country))


def format_money(amount: Decimal | float | int, currency: str, *, language: str, country: str) -> str:
    """format_money(Decimal("1450.50"), "MXN", language="es", country="MX") == "$1,450.50"."""
    return format_currency(amount, currency.upper(), locale=number_locale(language, country))


def format_number(value: Decimal | float | int, *, language: str, country: str) -> str:
    """format_number(12345.6, language="es", country="CO") == "12.345,6"."""
    return format_decimal(value, locale=number_locale(language, country))
