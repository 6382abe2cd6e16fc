"""Counting a person once across the coalition (for the coalition's statistics, redalert.statistics.scope).

Of a confirmed pair (both coordinators accepted: the same person; still so when the pair is no longer shown), the
case with the higher id is left out of a set of cases whenever its partner is in that same set; if the partner is
not (e.g. no consent to statistics), the case is counted. Chains of three or more members holding her are handled
pair by pair (see the docs' limits).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from redalert.cases.models import Case
from redalert.coalition.models import CoalitionMatch, MatchStatus


def count_once(cases: QuerySet[Case]) -> QuerySet[Case]:
    """`cases` less the second case of every confirmed coalition pair whose first case is in `cases` too."""
    # Once both coordinators confirmed, she is one person for the statistics, even if the pair is no longer shown
    # (consent to referral withdrawn later): counting her once reveals nothing about either case.
    duplicate = CoalitionMatch.objects.filter(
        confirmed_at__isnull=False,
        status__in=[MatchStatus.CONFIRMED, MatchStatus.WITHDRAWN, MatchStatus.PROPOSED],
        case_b_id=OuterRef("pk"),
        case_a_id__in=cases.values("pk"),
    )
    return cases.exclude(Exists(duplicate))
