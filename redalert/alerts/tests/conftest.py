"""Fixtures of the Red Alert tests: a directory of authorities and a case that may be shared with them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from redalert.outbox.testing import rejecting_smtp_sink, smtp_down, smtp_sink, webhook_receiver

__all__ = ["rejecting_smtp_sink", "smtp_down", "smtp_sink", "webhook_receiver"]

WEBHOOK_SECRET = "fiscalia-shared-secret-123456"


def set_consent(case: Any, by: Any, decision: str = "granted", purpose: str = "share_authorities") -> None:
    from redalert.consent.models import ConsentRecord
    from redalert.consent.services import record_decision

    record_decision(
        case,
        ConsentRecord(
            purpose=purpose,
            decision=decision,
            given_by_name="Rosa Hernández Cruz",
            given_by_relationship="mother",
            method="verbal_witnessed",
            witness_name="Ana",
            decided_on=date(2026, 3, 2),
        ),
        actor=by,
    )


@pytest.fixture
def alert_case(case: Any, coordinator: Any) -> Any:
    """The coordinator's case, in active search, with consent to share with authorities."""
    from redalert.cases.models import Case

    Case.objects.filter(pk=case.pk).update(status="active_search")
    case.refresh_from_db()
    person = case.person
    person.physical_description = "1.60 m, complexión delgada"
    person.distinguishing_marks = "Lunar en la mejilla izquierda"
    person.clothing = "Uniforme escolar azul"
    person.save()
    set_consent(case, coordinator)
    return case


@pytest.fixture
def make_authority(org_a: Any) -> Callable[..., Any]:
    from redalert.alerts.models import Authority, AuthorityContact

    def make(name: str, level: str = "federal", *, subdivision: Any = None, contacts: tuple = (), **extra: Any) -> Any:
        authority = Authority.objects.create(
            organisation=extra.pop("organisation", org_a),
            name=name,
            level=level,
            kind=extra.pop("kind", "prosecutor"),
            country_code=extra.pop("country_code", "MX"),
            subdivision=subdivision,
            **extra,
        )
        for channel, address, *rest in contacts:
            AuthorityContact.objects.create(
                authority=authority,
                channel=channel,
                address=address,
                secret=WEBHOOK_SECRET if channel == "webhook" else "",
                language=rest[0] if rest else "",
            )
        return authority

    return make


@pytest.fixture
def directory(make_authority: Any, places: dict[str, Any]) -> dict[str, Any]:
    """FGR (federal, email), the Querétaro prosecutor (state, email + webhook), Tlaxcala's (another state), a
    consulate (international, English)."""
    return {
        "fgr": make_authority("FGR", "federal", contacts=(("email", "fgr@fgr.example"),)),
        "qro": make_authority(
            "Fiscalía de Querétaro",
            "state",
            subdivision=places["qro"],
            contacts=(("email", "fiscalia@qro.example"),),
        ),
        "qro_police": make_authority(
            "Policía de Querétaro", "municipal", subdivision=places["qro"], kind="police", contacts=()
        ),
        "tlax": make_authority(
            "Fiscalía de Tlaxcala", "state", subdivision=places["tlax"], contacts=(("email", "f@tlax.example"),)
        ),
        "consulate": make_authority(
            "US Consulate",
            "international",
            kind="consulate",
            language="en",
            contacts=(("email", "consul@us.example", "en"),),
        ),
    }


@pytest.fixture(autouse=True)
def english() -> Any:
    """Service-level messages in English for the assertions (the UI default stays Spanish)."""
    from django.utils import translation

    with translation.override("en"):
        yield
