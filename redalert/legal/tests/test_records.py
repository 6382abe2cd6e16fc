"""What a proceeding records (the record_add view): reparations and their payments with money validation,
protection measures and the accused."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from redalert.care.tests.helpers import EN
from redalert.legal.models import Reparation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "currency", "field", "message"),
    [
        ("-100", "MXN", "amount", "An amount cannot be negative."),
        ("100.123", "MXN", "amount", "An amount has at most two decimals (cents)."),
        ("100", "PESOS", "currency", "is not an ISO 4217 currency code"),
        ("abc", "MXN", "amount", "Write an amount such as 1250.50"),
    ],
)
def test_reparation_money_validation(
    proceeding: Any, case: Any, lawyer: Any, client_for: Any, amount: str, currency: str, field: str, message: str
) -> None:
    response = client_for(lawyer).post(
        reverse("legal:record_add", args=[case.pk, proceeding.pk, "reparation"]),
        {"ordered_on": "2026-06-01", "amount": amount, "currency": currency},
        **EN,
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Reparation.objects.exists()


def test_reparation_ordered_and_paid(proceeding: Any, case: Any, lawyer: Any, client_for: Any) -> None:
    client = client_for(lawyer)
    client.post(
        reverse("legal:record_add", args=[case.pk, proceeding.pk, "reparation"]),
        {"ordered_on": "2026-06-01", "amount": "500000.00", "currency": "MXN"},
    )
    reparation = Reparation.objects.get()
    client.post(
        reverse("legal:record_add", args=[case.pk, proceeding.pk, "payment"]),
        {"reparation": reparation.pk, "paid_on": "2026-07-01", "amount": "120000.50"},
    )
    assert str(reparation.paid) == "120000.50" and str(reparation.outstanding) == "379999.50"
    page = client.get(reverse("legal:proceeding", args=[case.pk, proceeding.pk]), **EN).content.decode()
    assert "$379,999.50" in page


def test_measure_and_accused_validation(proceeding: Any, case: Any, lawyer: Any, client_for: Any) -> None:
    client = client_for(lawyer)
    measure = client.post(
        reverse("legal:record_add", args=[case.pk, proceeding.pk, "measure"]),
        {"description": "Orden de restricción", "status": "granted", "requested_on": "2026-03-05"},
        **EN,
    )
    assert measure.status_code == 400 and "Give the date the measure was granted." in measure.content.decode()
    accused = client.post(
        reverse("legal:record_add", args=[case.pk, proceeding.pk, "accused"]),
        {"name": "", "outcome": "fugitive", "sentence": "20 años"},
        **EN,
    )
    assert accused.status_code == 400 and "Only a convicted person has a sentence." in accused.content.decode()
    ok = client.post(
        reverse("legal:record_add", args=[case.pk, proceeding.pk, "accused"]),
        {"name": "", "outcome": "fugitive"},
        **EN,
    )
    assert ok.status_code == 302
    assert proceeding.accused.get().outcome == "fugitive"
