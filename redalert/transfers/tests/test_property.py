"""For any history of offers, answers, consent decisions and revocations, the receiver sees the case if and only if
there is an accepted, unrevoked grant and the family's consent to refer is in force."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redalert.access.models import CaseGrant
from redalert.access.policy import Action, case_for, visible_cases
from redalert.cases.choices import NoteSection
from redalert.consent.choices import Decision, Purpose
from redalert.consent.rules import may_use
from redalert.testing import record_consent
from redalert.transfers import services
from redalert.transfers.models import Offer, OfferKind, OfferStatus

STEPS = ["offer", "accept", "reject", "withdraw_consent", "grant_consent", "revoke"]


def _receiver_sees(user: Any, case_pk: int) -> bool:
    try:
        case_for(user, case_pk, Action.VIEW, NoteSection.LEGAL)
    except Http404:
        return False
    return visible_cases(user, with_shared=True).filter(pk=case_pk).exists()


class Model:
    """What the rules say should hold, kept apart from the code under test."""

    def __init__(self) -> None:
        self.consent = False
        self.waiting = False  # an offer waits for an answer
        self.accepted = False  # an accepted referral whose access was not ended


def _step(step: str, model: Model, case: Any, sender: Any, receiver: Any, org_b: Any) -> None:
    day = case.reported_at.date()
    if step == "offer":
        if model.consent and not model.waiting:
            services.offer(case, to=org_b, kind=OfferKind.REFERRAL, sections=["legal"], reason="r", actor=sender)
            model.waiting = True
        else:
            with pytest.raises(services.TransferError):
                services.offer(case, to=org_b, kind=OfferKind.REFERRAL, sections=["legal"], reason="r", actor=sender)
    elif step in ("accept", "reject") and model.waiting:
        offer = Offer.objects.get(case=case, status=OfferStatus.OFFERED)
        if step == "accept":
            services.accept(offer, actor=receiver)  # consent is in force while an offer waits
            model.accepted = True
        else:
            services.reject(offer, actor=receiver)
        model.waiting = False
    elif step == "withdraw_consent" and model.consent:
        record_consent(case, Purpose.REFERRAL, sender, Decision.WITHDRAWN, on=day)
        model.consent = model.waiting = model.accepted = False
    elif step == "grant_consent" and not model.consent:
        record_consent(case, Purpose.REFERRAL, sender, Decision.GRANTED, on=day)
        model.consent = True
    elif step == "revoke":
        ended = Offer.objects.filter(case=case, status__in=[OfferStatus.OFFERED, OfferStatus.ACCEPTED]).first()
        if ended is not None:
            services.end(ended, actor=sender)
            if ended.status == OfferStatus.OFFERED:
                model.waiting = False
            elif not Offer.objects.filter(case=case, status=OfferStatus.ACCEPTED).exists():
                model.accepted = False


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(steps=st.lists(st.sampled_from(STEPS), min_size=1, max_size=10))
def test_the_receiver_sees_the_case_iff_an_accepted_unrevoked_grant_and_consent(
    steps, make_case, org_a, org_b, coordinator, coordinator_b
):
    case = make_case(org_a, coordinator)
    model = Model()
    for step in steps:
        _step(step, model, case, coordinator, coordinator_b, org_b)
        granted = CaseGrant.objects.active().filter(case=case, organisation=org_b, section="legal").exists()
        accepted = Offer.objects.filter(case=case, status=OfferStatus.ACCEPTED).exists()
        in_force = bool(may_use(case, Purpose.REFERRAL))
        sees = _receiver_sees(coordinator_b, case.pk)
        assert sees == (granted and accepted and in_force), (steps, step)
        assert sees == (model.accepted and model.consent), (steps, step)
