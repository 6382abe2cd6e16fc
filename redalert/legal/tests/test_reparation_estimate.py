"""Reparation estimates: the rate in force on the day for the region (else the world), with its source kept."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from redalert.care.tests.helpers import EN, Purpose, grant, located, member
from redalert.legal import services
from redalert.legal.models import ReparationEstimate, ReparationRate, estimate_amount

pytestmark = pytest.mark.django_db
ILO = "ILO, Profits and Poverty: The Economics of Forced Labour (2014)"


@pytest.fixture
def lawyer(case: Any, coordinator: Any, make_user: Any, org_a: Any) -> Any:
    grant(case, Purpose.LEGAL_REPRESENTATION, coordinator)
    return member(make_user, org_a, case, coordinator, "lawyer")


def test_the_ilo_rate_is_the_first_row() -> None:
    rate = ReparationRate.objects.get(region="world", exploitation="SexualExploitation")
    assert (rate.annual_profit, rate.currency, rate.source) == (Decimal("21800.00"), "USD", ILO)


def test_estimate_amount() -> None:
    assert estimate_amount(Decimal("18"), Decimal("21800")) == Decimal("32700.00")
    assert estimate_amount(Decimal("7"), Decimal("21800")) == Decimal("12716.67")


def test_estimate_uses_the_world_rate_and_keeps_its_source(case: Any, lawyer: Any) -> None:
    located(case)
    estimate = services.estimate_reparation(
        case, months=Decimal("18"), region="MX", exploitation="SexualExploitation", on=date(2026, 4, 2), actor=lawyer
    )
    assert estimate.amount == Decimal("32700.00")
    assert (estimate.rate_region, estimate.rate_currency, estimate.rate_source) == ("world", "USD", ILO)
    rate = estimate.rate
    assert rate is not None
    rate.annual_profit = Decimal("27252.00")
    rate.source = "ILO 2024"
    rate.save()
    estimate.refresh_from_db()
    assert (estimate.amount, estimate.rate_amount, estimate.rate_source) == (
        Decimal("32700.00"),
        Decimal("21800.00"),
        ILO,
    )


def test_rate_in_force_on_the_day_and_regional_first(case: Any, lawyer: Any) -> None:
    world = ReparationRate.objects.get(region="world", exploitation="SexualExploitation")
    world.valid_to = date(2025, 12, 31)
    world.save()
    world_2026 = ReparationRate.objects.create(
        region="world",
        exploitation="SexualExploitation",
        annual_profit=Decimal("27252.00"),
        currency="USD",
        source="ILO, Profits and Poverty (2024)",
        valid_from=date(2026, 1, 1),
    )
    mexico = ReparationRate.objects.create(
        region="MX",
        exploitation="SexualExploitation",
        annual_profit=Decimal("300000.00"),
        currency="MXN",
        source="Estudio regional 2025",
        valid_from=date(2025, 7, 1),
        valid_to=date(2026, 6, 30),
    )
    assert services.rate_in_force("MX", "SexualExploitation", date(2025, 3, 1)) == world
    assert services.rate_in_force("MX", "SexualExploitation", date(2025, 7, 1)) == mexico
    assert services.rate_in_force("mx", "SexualExploitation", date(2026, 6, 30)) == mexico
    assert services.rate_in_force("MX", "SexualExploitation", date(2026, 7, 1)) == world_2026
    assert services.rate_in_force("GT", "SexualExploitation", date(2025, 8, 1)) == world
    assert services.rate_in_force("MX", "ForcedLabour", date(2025, 8, 1)) is None
    located(case)
    estimate = services.estimate_reparation(
        case, months=Decimal("6"), region="MX", exploitation="SexualExploitation", on=date(2026, 1, 15), actor=lawyer
    )
    assert (estimate.amount, estimate.rate_currency, estimate.rate_source) == (
        Decimal("150000.00"),
        "MXN",
        "Estudio regional 2025",
    )


def test_only_for_located_victims_and_with_a_rate(case: Any, lawyer: Any) -> None:
    with pytest.raises(services.LegalError, match="located"):
        services.estimate_reparation(
            case,
            months=Decimal("12"),
            region="world",
            exploitation="SexualExploitation",
            on=date(2026, 4, 2),
            actor=lawyer,
        )
    located(case)
    with pytest.raises(services.LegalError, match="no rate in force"):
        services.estimate_reparation(
            case, months=Decimal("12"), region="world", exploitation="ForcedLabour", on=date(2026, 4, 2), actor=lawyer
        )
    assert not ReparationEstimate.objects.exists()


def test_estimate_over_http_shows_the_source(case: Any, lawyer: Any, client_for: Any) -> None:
    located(case)
    client = client_for(lawyer)
    url = reverse("legal:estimate_add", args=[case.pk])
    bad = client.post(
        url, {"months": "0", "region": "world", "exploitation": "SexualExploitation", "on": "2026-04-02"}, **EN
    )
    assert bad.status_code == 400 and "Give a number of months greater than zero." in bad.content.decode()
    bad_region = client.post(
        url, {"months": "3", "region": "XX", "exploitation": "SexualExploitation", "on": "2026-04-02"}, **EN
    )
    assert "two-letter ISO 3166-1 country code" in bad_region.content.decode()
    ok = client.post(url, {"months": "24", "region": "world", "exploitation": "SexualExploitation", "on": "2026-04-02"})
    assert ok.status_code == 302
    page = client.get(reverse("legal:case", args=[case.pk]), **EN).content.decode()
    assert "USD43,600.00" in page and ILO in page


def test_rates_are_edited_by_the_coalition_data_steward_only(
    make_user: Any, org_a: Any, org_b: Any, client_for: Any, lawyer: Any
) -> None:
    # The table is shared by every organisation: no organisation's administrator edits it.
    for administrator in (make_user(org_a, "administrator"), make_user(org_b, "administrator")):
        assert client_for(administrator).get(reverse("legal:rate_add")).status_code == 404
    admin = client_for(make_user(org_a, "coalition_data_steward"))
    url = reverse("legal:rate_add")
    assert client_for(lawyer).get(url).status_code == 404
    assert client_for(lawyer).get(reverse("legal:rates"), **EN).status_code == 200
    post = {
        "region": "gt",
        "exploitation": "ForcedLabour",
        "annual_profit": "3900",
        "currency": "USD",
        "source": "",
        "valid_from": "2024-01-01",
    }
    missing = admin.post(url, post, **EN)
    assert missing.status_code == 400 and "This field is required." in missing.content.decode()
    overlapping = admin.post(
        url, {**post, "region": "world", "exploitation": "SexualExploitation", "source": "X"}, **EN
    )
    assert "in force in the same period" in overlapping.content.decode()
    assert admin.post(url, {**post, "source": "ILO 2014, Latin America"}).status_code == 302
    assert ReparationRate.objects.get(region="GT").annual_profit == Decimal("3900.00")
