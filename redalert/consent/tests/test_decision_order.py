"""The decision in force is the one given last, whatever order the records were typed in; a decision dated before
the one in force is refused; a withdrawal of consent to publish ends the publication."""

from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redalert.cases.models import Case
from redalert.consent.choices import Decision, Purpose
from redalert.consent.models import ConsentRecord
from redalert.consent.rules import cases_consenting_to, current_decision, may_use, rebuild_current_consents
from redalert.consent.services import ConsentRefused
from redalert.public.exposure import public_cases
from redalert.public.models import Publication
from redalert.public.services import publication_for, set_public
from redalert.testing import make_public, record_consent, write_consent_past_the_services

pytestmark = pytest.mark.django_db


def test_a_grant_dated_before_todays_withdrawal_is_refused_and_the_case_stays_hidden(
    client_for, make_case, org_a, coordinator
):
    case = make_case(org_a, coordinator)
    make_public(case, coordinator)
    record_consent(case, Purpose.PUBLISH, coordinator, Decision.WITHDRAWN, on=date(2026, 12, 1))
    response = client_for(coordinator).post(
        reverse("consent:page", args=[case.pk]),
        {
            "purpose": Purpose.PUBLISH,
            "decision": Decision.GRANTED,
            "given_by_name": "Rosa Hernández Cruz",
            "given_by_relationship": "mother",
            "method": "verbal_witnessed",
            "witness_name": "Ana Ruiz",
            "decided_on": "2020-01-15",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "dated before the one in force" in response.content.decode()
    assert not ConsentRecord.objects.filter(case=case, decided_on=date(2020, 1, 15)).exists()
    assert not may_use(case, Purpose.PUBLISH)
    assert not public_cases().filter(pk=case.pk).exists()
    with pytest.raises(ConsentRefused):
        record_consent(case, Purpose.PUBLISH, coordinator, Decision.GRANTED, on=date(2020, 1, 15))


def test_the_decision_given_last_is_in_force_even_if_typed_first(make_case, org_a, coordinator):
    """A record typed late (past the services, e.g. an old paper form) never overrides a later decision."""
    case = make_case(org_a, coordinator)
    record_consent(case, Purpose.STATISTICS, coordinator, Decision.WITHDRAWN, on=date(2026, 6, 1))
    write_consent_past_the_services(case, Purpose.STATISTICS, coordinator, on=date(2020, 1, 1))
    assert current_decision(case, Purpose.STATISTICS).decision == Decision.WITHDRAWN
    assert not may_use(case, Purpose.STATISTICS)
    rebuild_current_consents([case.pk])
    assert not cases_consenting_to(Case.objects.filter(pk=case.pk), Purpose.STATISTICS).exists()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    history=st.lists(
        st.tuples(st.sampled_from([Decision.GRANTED, Decision.WITHDRAWN]), st.integers(0, 400)), min_size=1, max_size=6
    )
)
def test_the_one_rule_and_its_set_based_twin_agree_for_any_history(history, make_case, org_a, coordinator):
    case = make_case(org_a, coordinator)
    for decision, day in history:
        on = date.fromordinal(date(2025, 1, 1).toordinal() + day)
        write_consent_past_the_services(case, Purpose.PUBLISH, coordinator, decision, on=on)
    rebuild_current_consents([case.pk])
    last_day = max(day for _decision, day in history)
    expected = [decision for decision, day in history if day == last_day][-1]
    assert bool(may_use(case, Purpose.PUBLISH)) == (expected == Decision.GRANTED)
    listed = cases_consenting_to(Case.objects.filter(pk=case.pk), Purpose.PUBLISH).exists()
    assert listed == (expected == Decision.GRANTED)


def test_a_withdrawal_ends_the_publication_and_a_new_grant_does_not_bring_it_back(make_case, org_a, coordinator):
    case = make_case(org_a, coordinator)
    make_public(case, coordinator)
    assert public_cases().filter(pk=case.pk).exists()
    record_consent(case, Purpose.PUBLISH, coordinator, Decision.WITHDRAWN, on=date(2026, 12, 1))
    assert Publication.objects.get(case=case).is_public is False
    assert case.timeline.filter(kind="publication", summary_data__reason="consent").exists()
    record_consent(case, Purpose.PUBLISH, coordinator, Decision.GRANTED, on=date(2026, 12, 2))
    assert not public_cases().filter(pk=case.pk).exists()  # a new decision to publish is needed
    set_public(case, publication_for(case), True, actor=coordinator)
    assert public_cases().filter(pk=case.pk).exists()
