"""Money and numbers as the organisation's country writes them (redalert.lib.numbers)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from redalert.lib.numbers import format_money, format_number


@pytest.mark.parametrize(
    ("amount", "currency", "country", "language", "written"),
    [
        ("1450.50", "MXN", "MX", "es", "$1,450.50"),
        ("1450.50", "MXN", "MX", "pt", "$1,450.50"),  # the receipts' way, whatever the reader's language
        ("1450.50", "GTQ", "GT", "es", "Q1,450.50"),
        ("1450.50", "HNL", "HN", "es", "L1,450.50"),
        ("1450.50", "BRL", "BR", "es", "R$\xa01.450,50"),
        ("1450.50", "USD", "MX", "es", "USD1,450.50"),  # a foreign currency is named, not a bare "$"
    ],
)
def test_money_follows_the_organisations_country(amount, currency, country, language, written):
    assert format_money(Decimal(amount), currency, language=language, country=country) == written


def test_numbers_follow_the_country_and_fall_back_to_the_language():
    assert format_number(12345.6, language="es", country="MX") == "12,345.6"
    assert format_number(12345.6, language="es", country="CO") == "12.345,6"
    assert format_number(12345.6, language="es", country="") == "12.345,6"


def test_a_members_request_writes_the_reports_figures_as_her_organisations_country():
    from types import SimpleNamespace

    from django.utils import translation

    from redalert.lib.numbers import NumbersByCountryMiddleware
    from redalert.statistics.tables import Cell

    def render(request):
        return Cell(value=12345).display(), Cell(value=Decimal("1450.5")).display()

    def member_of(country):
        return SimpleNamespace(user=SimpleNamespace(organisation=SimpleNamespace(country=country)))

    with translation.override("es"):
        assert NumbersByCountryMiddleware(render)(member_of("MX")) == ("12,345", "1,450.50")
        assert NumbersByCountryMiddleware(render)(member_of("CO")) == ("12.345", "1.450,50")
        assert render(None) == ("12.345", "1.450,50")  # outside a request: the language decides
