"""What the coalition does with the encodings: compare them across member organisations, and the contact handshake.

- `run_comparison(threshold)`: every pair of encodings of two different member organisations that share a blocking
  token and whose Dice coefficient reaches the threshold becomes (or stays) a proposed CoalitionMatch; a declined
  or confirmed pair keeps its decision (never proposed again); a pair no longer shared is proposed afresh.
- `accept(match, user)` / `decline(match, user)`: a coordinator's decision for her side; both accepting confirms
  the pair (then each side sees the other's reference and the accepting coordinator's contact). Audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.coalition.encoding import EncodingTable, TableBuilder, compare_table
from redalert.coalition.index import key_check, linkage_key
from redalert.coalition.models import CoalitionEncoding, CoalitionMatch, CoalitionToken, MatchStatus

if TYPE_CHECKING:
    from django.http import HttpRequest

    from redalert.accounts.models import User

DEFAULT_THRESHOLD = 0.78


def threshold() -> float:
    return float(getattr(settings, "COALITION_MATCH_THRESHOLD", DEFAULT_THRESHOLD))


class CoalitionOff(Exception):
    """The coalition key is not set."""


@dataclass(frozen=True)
class ComparisonRun:
    encodings: int
    pairs: int  # pairs at or above the threshold
    proposed: int  # new or re-proposed
    kept: int  # already proposed, confirmed or declined: unchanged decision


def load_encodings() -> EncodingTable:
    """Every current encoding of a member organisation made with the current key, as columns (compact: about 160
    bytes and its tokens per encoding)."""
    key = linkage_key()
    if key is None:
        raise CoalitionOff
    rows = CoalitionEncoding.objects.filter(key_check=key_check(key), organisation__coalition_member=True)
    tokens: dict[int, list[int]] = {}
    for encoding_id, token in CoalitionToken.objects.filter(encoding__in=rows).values_list("encoding_id", "token"):
        tokens.setdefault(encoding_id, []).append(token)
    builder = TableBuilder()
    for case_id, org, bits in rows.values_list("case_id", "organisation_id", "bits").iterator():
        builder.add(org, case_id, bytes(bits), tokens.pop(case_id, ()))
    return builder.build()


def run_comparison(minimum: float | None = None) -> ComparisonRun:
    """Compare the encodings of all member organisations and store the pairs (see the module's doc)."""
    minimum = threshold() if minimum is None else minimum
    table = load_encodings()
    comparison = compare_table(table, minimum)
    cases, organisations = table.cases.tolist(), table.organisations.tolist()
    found = [
        (cases[a], organisations[a], cases[b], organisations[b], score)
        for a, b, score in zip(
            comparison.rows_a.tolist(), comparison.rows_b.tolist(), comparison.scores.tolist(), strict=True
        )
    ]
    proposed = kept = 0
    with transaction.atomic():
        existing = {
            (m.case_a_id, m.case_b_id): m
            # Every known pair (no IN list of the found ones: it may be longer than the database accepts).
            for m in CoalitionMatch.objects.select_for_update()
        }
        new: list[CoalitionMatch] = []
        for case_a, organisation_a, case_b, organisation_b, score in found:
            match = existing.get((case_a, case_b))
            if match is None:
                new.append(
                    CoalitionMatch(
                        case_a_id=case_a,
                        case_b_id=case_b,
                        organisation_a_id=organisation_a,
                        organisation_b_id=organisation_b,
                        score=round(score, 4),
                    )
                )
            elif match.status == MatchStatus.WITHDRAWN:
                # Shared again (consent granted again, case reopened): a fresh proposal, no acceptance carried over
                # (`confirmed_at` stays: the statistics still count her once).
                match.status = MatchStatus.PROPOSED
                match.score = round(score, 4)
                match.accepted_a_by = match.accepted_b_by = None
                match.accepted_a_at = match.accepted_b_at = None
                match.found_at = timezone.now()
                match.save()
                proposed += 1
            else:
                if match.status == MatchStatus.PROPOSED and match.score != round(score, 4):
                    match.score = round(score, 4)
                    match.save(update_fields=["score"])
                kept += 1
        CoalitionMatch.objects.bulk_create(new, batch_size=2000)
        proposed += len(new)
        if proposed:
            audit_record(
                "coalition comparison",
                AuditAction.CREATE,
                None,
                detail={"coalition_matches_proposed": proposed, "threshold": minimum, "encodings": len(table)},
            )
    return ComparisonRun(len(table), len(found), proposed, kept)


class HandshakeRefused(Exception):
    """The decision cannot be taken (the message says why, in the user's language)."""


def _own_case(match: CoalitionMatch, side: str) -> Any:
    return match.case_a if side == "a" else match.case_b


def accept(match: CoalitionMatch, user: User, *, request: HttpRequest | None = None) -> CoalitionMatch:
    """The coordinator of one side accepts contact; when both sides have, the pair is confirmed."""
    with transaction.atomic():
        match = CoalitionMatch.objects.select_for_update().get(pk=match.pk)
        side = match.side(user.organisation_id)
        if match.status != MatchStatus.PROPOSED or not side:
            raise HandshakeRefused(_("This pair is no longer waiting for a decision."))
        now = timezone.now()
        setattr(match, f"accepted_{side}_by", user)
        setattr(match, f"accepted_{side}_at", now)
        if match.accepted_a_at and match.accepted_b_at:
            match.status = MatchStatus.CONFIRMED
            match.confirmed_at = now
        match.save()
        audit_record(
            user,
            AuditAction.CHANGE,
            match,
            case=_own_case(match, side),
            request=request,
            detail={"coalition_match": match.pk, "decision": "accept_contact", "status": match.status},
        )
    return match


def decline(match: CoalitionMatch, user: User, *, request: HttpRequest | None = None) -> CoalitionMatch:
    """The coordinator of one side declines: the pair is closed for both and never proposed again."""
    with transaction.atomic():
        match = CoalitionMatch.objects.select_for_update().get(pk=match.pk)
        side = match.side(user.organisation_id)
        if match.status != MatchStatus.PROPOSED or not side:
            raise HandshakeRefused(_("This pair is no longer waiting for a decision."))
        match.status = MatchStatus.DECLINED
        match.declined_by = user
        match.declined_at = timezone.now()
        match.save()
        audit_record(
            user,
            AuditAction.CHANGE,
            match,
            case=_own_case(match, side),
            request=request,
            detail={"coalition_match": match.pk, "decision": "decline"},
        )
    return match
