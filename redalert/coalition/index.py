"""Keeping the encodings current: a case is encoded while (and only while) it may be shared with the coalition.

A case is encoded when the coalition key is set (settings.COALITION_LINKAGE_KEY), its organisation is a coalition
member, it is still searched for (redalert.matching.facts.OPEN_STATUSES) and not merged into another case, and its
family's CURRENT consent to "refer to a partner organisation" (Purpose.REFERRAL) is granted
(redalert.consent.rules.cases_consenting_to: fails closed). Otherwise its encoding and tokens are deleted at once,
and its proposed pairs become "no longer shared": the other side stops seeing them (a confirmed pair too when the
consent is withdrawn or the case merged; not when she is found: both members then know).
"""

from __future__ import annotations

from collections.abc import Collection

from django.conf import settings
from django.db.models import Q

from redalert.cases.models import Case
from redalert.coalition.encoding import blocking_tokens, encode, has_names, key_check, ones
from redalert.coalition.models import CoalitionEncoding, CoalitionMatch, CoalitionToken, MatchStatus
from redalert.consent.choices import Purpose
from redalert.consent.rules import cases_consenting_to
from redalert.matching.facts import OPEN_STATUSES, facts_for_case

OFF_MESSAGE = (
    "Coalition matching is off: set COALITION_LINKAGE_KEY (the key the member organisations share; never stored in "
    "the database) to turn it on."
)


def linkage_key() -> bytes | None:
    """The coalition key from the settings (the environment), or None: then the feature is off."""
    value = getattr(settings, "COALITION_LINKAGE_KEY", "") or ""
    return value.encode() if value else None


def shareable(case_ids: Collection[int]) -> list[Case]:
    """The cases among these that may be encoded now."""
    cases = Case.objects.filter(
        pk__in=list(case_ids),
        organisation__coalition_member=True,
        status__in=OPEN_STATUSES,
        merged_into__isnull=True,
    )
    return list(cases_consenting_to(cases, Purpose.REFERRAL).select_related("person", "last_seen_place__subdivision"))


def expected(case: Case, key: bytes) -> tuple[bytes, set[int]] | None:
    facts = facts_for_case(case)
    if not has_names(facts):
        return None
    return encode(facts, key), blocking_tokens(facts, key)


def still_referable(case_ids: Collection[int]) -> set[int]:
    """The cases among these whose consent to referral is still granted and that were not merged away (their
    confirmed pairs stay visible even when the case is no longer searched for: both members then know she was
    found)."""
    cases = Case.objects.filter(pk__in=list(case_ids), merged_into__isnull=True)
    return set(cases_consenting_to(cases, Purpose.REFERRAL).values_list("pk", flat=True))


def withdraw_matches(case_ids: Collection[int]) -> int:
    """Pairs of these cases (which may no longer be encoded) stop being shown: proposed pairs always; confirmed ones
    when the consent to referral is gone or the case was merged. Declined pairs stay declined (never proposed
    again). The confirmation stays recorded (`confirmed_at`) for the coalition's statistics."""
    case_ids = list(case_ids)
    if not case_ids:
        return 0
    of_cases = CoalitionMatch.objects.filter(Q(case_a_id__in=case_ids) | Q(case_b_id__in=case_ids))
    changed = of_cases.filter(status=MatchStatus.PROPOSED).update(status=MatchStatus.WITHDRAWN)
    if not of_cases.filter(status=MatchStatus.CONFIRMED).exists():
        return changed  # nothing confirmed to hide (an import of new cases): no consent to read
    referable = still_referable(case_ids)  # once for all the cases (it was read again for every case)
    gone = [case_id for case_id in case_ids if case_id not in referable]
    if gone:
        changed += (
            CoalitionMatch.objects.filter(Q(case_a_id__in=gone) | Q(case_b_id__in=gone))
            .filter(status=MatchStatus.CONFIRMED)
            .update(status=MatchStatus.WITHDRAWN)
        )
    return changed


def refresh_cases(case_ids: Collection[int]) -> int:
    """Bring the encodings of these cases up to date; returns how many encodings were added, changed or removed.
    Call inside a transaction (the follower runs in the announcing one)."""
    case_ids = sorted(set(case_ids))
    if not case_ids:
        return 0
    key = linkage_key()
    wanted: dict[int, tuple[int, bytes, set[int]]] = {}
    if key is not None:
        for case in shareable(case_ids):
            encoded = expected(case, key)
            if encoded is not None:
                wanted[case.pk] = (case.organisation_id, *encoded)
    check = key_check(key) if key is not None else ""
    stored = {e.case_id: e for e in CoalitionEncoding.objects.filter(case_id__in=case_ids)}
    tokens: dict[int, set[int]] = {}
    for encoding_id, token in CoalitionToken.objects.filter(encoding_id__in=list(stored)).values_list(
        "encoding_id", "token"
    ):
        tokens.setdefault(encoding_id, set()).add(token)
    changed = 0
    gone = [case_id for case_id in stored if case_id not in wanted]
    if gone:
        CoalitionEncoding.objects.filter(case_id__in=gone).delete()
        changed += len(gone)
    withdraw_matches([case_id for case_id in case_ids if case_id not in wanted])
    for case_id, (organisation_id, bits, wanted_tokens) in wanted.items():
        current = stored.get(case_id)
        if (
            current is not None
            and bytes(current.bits) == bits
            and current.key_check == check
            and current.organisation_id == organisation_id
            and tokens.get(case_id, set()) == wanted_tokens
        ):
            continue
        CoalitionEncoding.objects.update_or_create(
            case_id=case_id,
            defaults={"organisation_id": organisation_id, "bits": bits, "ones": sum(ones(bits)), "key_check": check},
        )
        CoalitionToken.objects.filter(encoding_id=case_id).delete()
        CoalitionToken.objects.bulk_create([CoalitionToken(encoding_id=case_id, token=t) for t in wanted_tokens])
        changed += 1
    return changed
