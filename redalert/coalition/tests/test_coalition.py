"""Coalition matching: consent gating, nothing but the score before both accept, declines remembered, the key
never in the database, 404 for anyone but the two coordinators, and the coalition's statistics counting her once."""

from __future__ import annotations

import random
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from redalert.audit.models import AuditEntry
from redalert.coalition import encoding as coalition_encoding
from redalert.coalition.encoding import BITS, FIELDS, Encoded, blocking_tokens, compare_all, encode, ones, similarity
from redalert.coalition.models import CoalitionEncoding, CoalitionMatch, CoalitionToken, MatchStatus
from redalert.coalition.services import accept, decline, run_comparison
from redalert.consent.choices import Decision, Purpose
from redalert.matching.facts import PersonFacts
from redalert.statistics.scope import coalition_scope
from redalert.testing import record_consent

from .conftest import KEY


def _match() -> CoalitionMatch:
    run_comparison()
    return CoalitionMatch.objects.get()


# Encodings (no database) ------------------------------------------------------------------------------------------


def _score(a: PersonFacts, b: PersonFacts, key: bytes = b"k") -> float:
    bits_a, bits_b = (int.from_bytes(encode(f, key), "big") for f in (a, b))
    return similarity(bits_a, bits_b, ones(bits_a), ones(bits_b))


LUPITA = PersonFacts("Lupita", "Hernández", "Cruz", sex="female", birth_year=2009, subdivision_code="MX-QUE")


def test_variants_of_one_girl_score_high_and_strangers_low() -> None:
    variant = PersonFacts("Guadalupe", "Ernandes", "Cruz", sex="female", birth_year=2009, subdivision_code="MX-QUE")
    stranger = PersonFacts("Valeria", "Gómez", "Ruiz", sex="female", birth_year=2001, subdivision_code="MX-TLA")
    assert _score(LUPITA, variant) >= 0.8
    assert _score(LUPITA, stranger) < 0.5


def test_the_encoding_depends_on_the_key() -> None:
    assert encode(LUPITA, b"one key") != encode(LUPITA, b"another key")
    assert blocking_tokens(LUPITA, b"one key").isdisjoint(blocking_tokens(LUPITA, b"another key"))


def test_unknown_facts_set_no_bit() -> None:
    assert int.from_bytes(encode(PersonFacts(), b"k"), "big") == 0
    assert blocking_tokens(PersonFacts(), b"k") == set()


def _random_encoding(rng: random.Random, organisation: int, case: int) -> Encoded:
    """Random bits (among the first 16 of each field), each field left empty (unknown) one time in five, and a few
    tokens out of 40."""
    value = 0
    for _name, start, _size, _weight in FIELDS:
        if rng.random() < 0.2:
            continue
        for bit in rng.sample(range(16), rng.randint(1, 8)):  # few positions: many pairs overlap
            value |= 1 << (BITS - 1 - start - bit)
    tokens = {rng.randrange(40) for _ in range(rng.randint(0, 4))}
    return Encoded.of(organisation, case, value.to_bytes(BITS // 8, "big"), tokens)


@pytest.mark.parametrize("chunk", [3, 1 << 18])
def test_the_vectorised_comparison_finds_exactly_the_pairs_that_pairwise_scoring_finds(
    monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """compare_all (numpy, chunk after chunk, a pair sharing several tokens found once) = `similarity` over every
    pair of different organisations sharing a token, with the same scores, lower case id first."""
    monkeypatch.setattr(coalition_encoding, "PAIRS_PER_CHUNK", chunk)
    rng = random.Random(5)
    records = [_random_encoding(rng, rng.randrange(3), case) for case in rng.sample(range(10_000), 250)]
    expected = {}
    for a in records:
        for b in records:
            if a.case_id < b.case_id and a.organisation_id != b.organisation_id and a.tokens & b.tokens:
                score = similarity(a.bits, b.bits, a.ones, b.ones)
                if score >= 0.5:
                    expected[(a.case_id, b.case_id)] = score
    found = compare_all(records, 0.5)
    assert len(found) == len(expected) > 50
    for a, b, score in found:
        assert a.case_id < b.case_id and a.organisation_id != b.organisation_id
        assert score == expected[(a.case_id, b.case_id)]  # the same value to the last bit
    assert compare_all([], 0.3) == [] and compare_all(records[:1], 0.3) == []


# Consent gating ---------------------------------------------------------------------------------------------------


def test_no_encoding_without_consent_to_referral(coalition_key: str, girl_a: Any, coordinator_a: Any) -> None:
    assert not CoalitionEncoding.objects.exists()
    record_consent(girl_a, Purpose.STATISTICS, coordinator_a)  # another purpose: still nothing
    assert not CoalitionEncoding.objects.exists()
    record_consent(girl_a, Purpose.REFERRAL, coordinator_a, Decision.REFUSED)
    assert not CoalitionEncoding.objects.exists()
    record_consent(girl_a, Purpose.REFERRAL, coordinator_a, on=date(2026, 3, 3))
    assert CoalitionEncoding.objects.filter(case=girl_a).exists()
    assert CoalitionToken.objects.filter(encoding_id=girl_a.pk).exists()


def test_without_the_key_the_feature_is_off(girl_a: Any, coordinator_a: Any, client_for: Any) -> None:
    record_consent(girl_a, Purpose.REFERRAL, coordinator_a)
    assert not CoalitionEncoding.objects.exists()
    out = StringIO()
    call_command("compare_coalition_encodings", stdout=out)
    assert "COALITION_LINKAGE_KEY" in out.getvalue()
    page = client_for(coordinator_a).get(reverse("coalition:list"))
    assert page.status_code == 200 and "COALITION_LINKAGE_KEY" in page.content.decode()


def test_withdrawal_removes_the_encoding_and_the_pair_disappears_for_the_other_side(
    consenting: tuple[Any, Any], coordinator_a: Any, coordinator_b: Any, client_for: Any
) -> None:
    girl_a, _girl_b = consenting
    match = _match()
    client_b = client_for(coordinator_b)
    assert f"match-{match.pk}" in client_b.get(reverse("coalition:list")).content.decode()
    record_consent(girl_a, Purpose.REFERRAL, coordinator_a, Decision.WITHDRAWN, on=date(2026, 3, 4))
    assert not CoalitionEncoding.objects.filter(case=girl_a).exists()
    assert not CoalitionToken.objects.filter(encoding_id=girl_a.pk).exists()
    assert CoalitionMatch.objects.get().status == MatchStatus.WITHDRAWN
    assert f"match-{match.pk}" not in client_b.get(reverse("coalition:list")).content.decode()
    assert client_b.post(reverse("coalition:accept", args=[match.pk])).status_code == 302
    assert CoalitionMatch.objects.get().status == MatchStatus.WITHDRAWN  # no decision on a withdrawn pair
    assert run_comparison().pairs == 0  # nothing to compare it with any more
    out = StringIO()
    call_command("rebuild_coalition_encodings", stdout=out)
    assert "0 encoding(s) changed" in out.getvalue()


def test_rebuild_finds_nothing_after_the_follower_and_reports_changes(consenting: tuple[Any, Any]) -> None:
    out = StringIO()
    call_command("rebuild_coalition_encodings", stdout=out)
    assert "0 encoding(s) changed; 2 stored" in out.getvalue()
    CoalitionEncoding.objects.filter(case=consenting[0]).delete()
    call_command("rebuild_coalition_encodings", stdout=out)
    assert "1 encoding(s) changed; 2 stored" in out.getvalue()


# What each side sees ----------------------------------------------------------------------------------------------


def _pages(client: Any, match: CoalitionMatch) -> str:
    return (
        client.get(reverse("coalition:list")).content.decode()
        + client.get(reverse("coalition:match", args=[match.pk])).content.decode()
    )


def test_nothing_but_the_score_before_both_accept(
    consenting: tuple[Any, Any], coordinator_a: Any, coordinator_b: Any, client_for: Any, org_a: Any, org_b: Any
) -> None:
    girl_a, girl_b = consenting
    match = _match()
    client_a, client_b = client_for(coordinator_a), client_for(coordinator_b)
    secrets_of_a = [girl_a.reference, org_a.name, coordinator_a.email, "Rosa Luna", "María", "López"]
    secrets_of_b = [girl_b.reference, org_b.name, coordinator_b.email, "Ana Pérez", "Maria", "Lopez"]

    def check_hidden() -> None:
        page_a, page_b = _pages(client_a, match), _pages(client_b, match)
        assert girl_a.reference in page_a and girl_b.reference in page_b  # each sees her own case
        assert f"{match.score:.2f}".replace(".", ",") in page_a or f"{match.score:.2f}" in page_a
        for secret in secrets_of_b:
            assert secret not in page_a, secret
        for secret in secrets_of_a:
            assert secret not in page_b, secret

    check_hidden()
    assert client_a.post(reverse("coalition:accept", args=[match.pk])).status_code == 302
    check_hidden()  # one side accepting reveals nothing yet
    assert client_b.post(reverse("coalition:accept", args=[match.pk])).status_code == 302
    match.refresh_from_db()
    assert match.status == MatchStatus.CONFIRMED
    page_a, page_b = _pages(client_a, match), _pages(client_b, match)
    for shown in (girl_b.reference, org_b.name, coordinator_b.email, "Ana Pérez"):
        assert shown in page_a
    for shown in (girl_a.reference, org_a.name, coordinator_a.email, "Rosa Luna"):
        assert shown in page_b
    for never in ("María", "Maria", "López", "Lopez"):  # names never travel, even after the handshake
        assert never not in page_a.split("<main")[-1] and never not in page_b.split("<main")[-1]
    decisions = AuditEntry.objects.filter(object_type="coalition.coalitionmatch", action="change")
    assert decisions.count() == 2


def test_a_declined_pair_is_never_proposed_again(consenting: tuple[Any, Any], coordinator_b: Any) -> None:
    match = _match()
    decline(match, coordinator_b)
    assert run_comparison().proposed == 0
    out = StringIO()
    call_command("compare_coalition_encodings", stdout=out)
    assert "0 proposed" in out.getvalue()
    assert CoalitionMatch.objects.get().status == MatchStatus.DECLINED
    assert AuditEntry.objects.filter(object_type="coalition.coalitionmatch", action="change").count() == 1


def test_the_key_is_not_in_the_database(consenting: tuple[Any, Any]) -> None:
    _match()
    out = StringIO()
    call_command("dumpdata", stdout=out)
    dump = out.getvalue()
    assert KEY not in dump and KEY.encode().hex() not in dump
    for encoding in CoalitionEncoding.objects.all():
        assert KEY.encode() not in bytes(encoding.bits)


def test_only_the_two_coordinators_may_see_a_pair(
    consenting: tuple[Any, Any], make_user: Any, org_a: Any, client_for: Any
) -> None:
    from redalert.accounts.models import Organisation

    match = _match()
    org_c = Organisation.objects.create(name="Tercera", code="TER", country="MX")
    for outsider in (make_user(org_c, "coordinator"), make_user(org_a, "caseworker")):
        client = client_for(outsider)
        assert client.get(reverse("coalition:match", args=[match.pk])).status_code == 404
        assert client.post(reverse("coalition:accept", args=[match.pk])).status_code == 404
        assert client.post(reverse("coalition:decline", args=[match.pk])).status_code == 404
    assert client_for(make_user(org_a, "caseworker", username="cw2")).get(reverse("coalition:list")).status_code == 404
    assert CoalitionMatch.objects.get().status == MatchStatus.PROPOSED


def test_a_decision_after_the_pair_closed_says_so(
    consenting: tuple[Any, Any], coordinator_a: Any, coordinator_b: Any, client_for: Any
) -> None:
    match = _match()
    decline(match, coordinator_a)
    response = client_for(coordinator_b).post(reverse("coalition:accept", args=[match.pk]), follow=True)
    assert response.status_code == 200
    with pytest.raises(Exception):  # noqa: B017 - the service refuses too
        accept(match, coordinator_b)


# The coalition's statistics ---------------------------------------------------------------------------------------


def test_the_coalition_statistics_count_a_confirmed_pair_once(
    consenting: tuple[Any, Any], coordinator_a: Any, coordinator_b: Any
) -> None:
    girl_a, girl_b = consenting
    record_consent(girl_a, Purpose.STATISTICS, coordinator_a)
    record_consent(girl_b, Purpose.STATISTICS, coordinator_b)
    assert coalition_scope().cases().count() == 2
    match = _match()
    accept(match, coordinator_a)
    assert coalition_scope().cases().count() == 2  # not until both accept
    accept(match, coordinator_b)
    assert list(coalition_scope().cases().values_list("pk", flat=True)) == [girl_a.pk]
    # The family withdraws the consent to referral: the pair is no longer shown, but she is still one person.
    record_consent(girl_b, Purpose.REFERRAL, coordinator_b, Decision.WITHDRAWN, on=date(2026, 3, 4))
    assert CoalitionMatch.objects.get().status == MatchStatus.WITHDRAWN
    assert list(coalition_scope().cases().values_list("pk", flat=True)) == [girl_a.pk]


def test_a_confirmed_pair_stays_when_she_is_found_but_a_proposed_one_goes(
    consenting: tuple[Any, Any], coordinator_a: Any, coordinator_b: Any
) -> None:
    from redalert.cases.choices import CaseStatus
    from redalert.cases.models import Case
    from redalert.changes.announce import Kind, announce

    girl_a, _girl_b = consenting
    match = _match()
    Case.objects.filter(pk=girl_a.pk).update(status=CaseStatus.LOCATED_ALIVE)
    announce(girl_a.pk, Kind.STATUS)
    assert not CoalitionEncoding.objects.filter(case=girl_a).exists()
    assert CoalitionMatch.objects.get().status == MatchStatus.WITHDRAWN  # proposed: gone
    Case.objects.filter(pk=girl_a.pk).update(status=CaseStatus.ACTIVE_SEARCH)
    announce(girl_a.pk, Kind.STATUS)
    run_comparison()
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED
    accept(match, coordinator_a)
    accept(match, coordinator_b)
    Case.objects.filter(pk=girl_a.pk).update(status=CaseStatus.LOCATED_ALIVE)
    announce(girl_a.pk, Kind.STATUS)
    assert CoalitionMatch.objects.get().status == MatchStatus.CONFIRMED  # both members know she was found
