"""Comparing two people: a score between 0 and 1 and the reasons behind it (stable API, issue 15).

Each part (given names, surnames, age, date, place) is compared on its own into a similarity between 0 and 1, or
None when either side does not know it: an unknown part neither matches nor mismatches, it is left out of the
weighted mean. A known difference of sex halves the score. With no name on either side the score is 0: matching
never proposes a person on place, date or age alone. docs/matching.md explains the weights and thresholds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import models
from django.utils.translation import gettext_lazy as _
from rapidfuzz.distance import JaroWinkler

from redalert.matching.facts import PersonFacts
from redalert.matching.names import canonical_given, folded, is_nickname, spanish_key, words

WEIGHTS = {"given": 0.25, "surnames": 0.25, "age": 0.15, "date": 0.20, "place": 0.15}
SEX_MISMATCH_FACTOR = 0.5
SURNAME_OTHER_PLACE = 0.85  # a lone surname matching the other's surname in the other place
SAME_COUNTRY = 0.1  # another state of the same country: hardly in favour
AGE_TOLERANCE_YEARS = 2  # an estimated age ("about 15") is read as 13 to 17
DATE_FULL_DAYS = 7  # last seen within a week: the same event, told by two reporters
DATE_ZERO_DAYS = 45  # six weeks apart: the date says nothing in favour
# Scores at or above these are shown (intake) or proposed for review (the background duplicate finder).
SHOW_THRESHOLD = 0.70
REVIEW_THRESHOLD = 0.80


class Reason(models.TextChoices):
    SAME_NAME = "same_name", _("same name")
    SIMILAR_NAME = "similar_name", _("similar name")
    SOUNDS_ALIKE = "sounds_alike", _("sounds alike")
    NICKNAME = "nickname", _("nickname")
    PART_OF_NAME = "part_of_name", _("one of her given names")
    SAME_SURNAMES = "same_surnames", _("same surnames")
    SURNAMES_SWAPPED = "surnames_swapped", _("surnames in the other order")
    ONE_SURNAME = "one_surname", _("one surname in common")
    SIMILAR_SURNAMES = "similar_surnames", _("similar surnames")
    SAME_BIRTH_DATE = "same_birth_date", _("same date of birth")
    AGE_WITHIN_TOLERANCE = "age_within_tolerance", _("age within tolerance")
    SAME_DATE = "same_date", _("last seen the same day")
    DATES_CLOSE = "dates_close", _("dates close")
    SAME_MUNICIPALITY = "same_municipality", _("same municipality")
    NEARBY = "nearby", _("places nearby")
    SAME_STATE = "same_state", _("same state")
    DIFFERENT_SEX = "different_sex", _("sex recorded differently")


@dataclass(frozen=True)
class Comparison:
    score: float
    reasons: list[Reason] = field(default_factory=list)
    parts: dict[str, float | None] = field(default_factory=dict)  # each part's similarity, None when unknown

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def _word_similarity(a: str, b: str) -> tuple[float, Reason | None]:
    """One name (word or words) against another: equal, sounds alike, or Jaro-Winkler rescaled (symmetric)."""
    return _ordered_similarity(a, b) if a <= b else _ordered_similarity(b, a)


@lru_cache(maxsize=65536)
def _ordered_similarity(a: str, b: str) -> tuple[float, Reason | None]:
    if not a or not b:
        return 0.0, None
    if a == b:
        return 1.0, None
    ka = " ".join(spanish_key(w) for w in a.split())
    kb = " ".join(spanish_key(w) for w in b.split())
    # Typos on the spelling and on the sound: the better of the two. Below 0.75 says little for names.
    jw = max(JaroWinkler.similarity(a, b, prefix_weight=0.1), JaroWinkler.similarity(ka, kb, prefix_weight=0.1))
    if ka == kb:
        return 0.95, Reason.SOUNDS_ALIKE
    sim = max(0.0, (jw - 0.75) / 0.25)
    return sim, (Reason.SIMILAR_NAME if sim >= 0.5 else None)


def _given(a: PersonFacts, b: PersonFacts) -> tuple[float | None, list[Reason]]:
    names_a = [a.given_names, *a.aliases]
    names_b = [b.given_names, *b.aliases]
    if not any(words(n) for n in names_a) or not any(words(n) for n in names_b):
        return None, []
    best, reasons = 0.0, []
    for na in names_a:
        for nb in names_b:
            fa, fb = folded(na), folded(nb)
            if not fa or not fb:
                continue
            if fa == fb:
                return 1.0, [Reason.SAME_NAME]
            for ra in canonical_given(na):
                for rb in canonical_given(nb):
                    if ra == rb:
                        sim, why = 1.0, [Reason.NICKNAME if (is_nickname(na) or is_nickname(nb)) else Reason.SAME_NAME]
                    else:
                        s, r = _word_similarity(ra, rb)
                        sim, why = s, ([r] if r else [])
                        ta, tb = ra.split(), rb.split()
                        # Compound names: "María José" and "José" (she uses her second name) share a full name.
                        if len(ta) != len(tb) and (set(ta) < set(tb) or set(tb) < set(ta)):
                            shorter = ta if len(ta) < len(tb) else tb
                            # "María" alone against "María José" is weak evidence: María is everyone's first name.
                            part = 0.6 if shorter == ["maria"] or shorter == ["jose"] else 0.85
                            if part > sim:
                                sim, why = part, [Reason.PART_OF_NAME]
                    if sim > best:
                        best, reasons = sim, why
                    elif sim == best:  # a tie: both readings' reasons, whatever the order (compare is symmetric)
                        reasons = reasons + [r for r in why if r not in reasons]
    return best, reasons


def _surnames(a: PersonFacts, b: PersonFacts) -> tuple[float | None, list[Reason]]:
    sa = [folded(s) for s in (a.first_surname, a.second_surname)]
    sb = [folded(s) for s in (b.first_surname, b.second_surname)]
    if not any(sa) or not any(sb):
        return None, []
    # Compound surnames typed in one field ("Pérez López") are split into two.
    if sa[0] and not sa[1] and len(sa[0].split()) == 2:
        sa = sa[0].split()
    if sb[0] and not sb[1] and len(sb[0].split()) == 2:
        sb = sb[0].split()

    def pairwise(x: list[str], y: list[str]) -> tuple[float, list[Reason]]:
        sims, why = [], []
        for p, q in zip(x, y, strict=True):
            if p and q:
                s, r = _word_similarity(p, q)
                sims.append(s)
                if r:
                    why.append(r)
        return (sum(sims) / len(sims) if sims else 0.0), why

    known_a = [(i, x) for i, x in enumerate(sa) if x]
    known_b = [(i, y) for i, y in enumerate(sb) if y]
    if len(known_a) == 1 or len(known_b) == 1:
        # One known surname on a side: the best pair counts (the missing surname is unknown, not different). Her
        # first surname in the other's second place is less sure: people drop the second surname, not the first.
        best: tuple[float, Reason | None] = (0.0, None)
        for i, x in known_a:
            for j, y in known_b:
                sim, why = _word_similarity(x, y)
                if i != j:
                    sim *= SURNAME_OTHER_PLACE
                if sim > best[0] or (sim == best[0] and why == Reason.SOUNDS_ALIKE):
                    best = (sim, why)
        reasons = [Reason.ONE_SURNAME] if best[0] >= 0.8 else ([Reason.SIMILAR_SURNAMES] if best[0] >= 0.5 else [])
        if best[1] == Reason.SOUNDS_ALIKE:
            reasons.append(Reason.SOUNDS_ALIKE)
        return best[0], reasons
    straight, why1 = pairwise(sa, sb)
    swapped, why2 = pairwise(sa, [sb[1], sb[0]])
    if swapped > straight + 1e-9:
        return swapped, [Reason.SURNAMES_SWAPPED, *why2]
    if straight == 1.0:
        return 1.0, [Reason.SAME_SURNAMES]
    return straight, ([Reason.SIMILAR_SURNAMES] if straight >= 0.5 else []) + why1


def _age(a: PersonFacts, b: PersonFacts) -> tuple[float | None, list[Reason]]:
    if a.birth_date is not None and b.birth_date is not None:
        if a.birth_date == b.birth_date:
            return 1.0, [Reason.SAME_BIRTH_DATE]
        x, y = a.birth_date, b.birth_date
        if x.year == y.year and ((x.month == y.day and x.day == y.month) or x.month == y.month or x.day == y.day):
            return 0.9, [Reason.AGE_WITHIN_TOLERANCE]  # day and month swapped, or one typed wrong
    ya, yb = a.birth_years(), b.birth_years()
    if ya is None or yb is None:
        return None, []
    gap = max(0, max(ya[0], yb[0]) - min(ya[1], yb[1]))  # years between the two ranges (0 when they overlap)
    estimated = a.birth_date is None or b.birth_date is None
    tolerance = AGE_TOLERANCE_YEARS if estimated else 1
    sim = max(0.0, 1.0 - gap / (tolerance + 1))
    if gap == 0 and not estimated:
        sim = 0.8  # same year of birth, different dates
    return sim, ([Reason.AGE_WITHIN_TOLERANCE] if sim >= 0.5 else [])


def _date(a: PersonFacts, b: PersonFacts) -> tuple[float | None, list[Reason]]:
    if a.event_date is None or b.event_date is None:
        return None, []
    days = abs((a.event_date - b.event_date).days)
    if days == 0:
        return 1.0, [Reason.SAME_DATE]
    if days <= DATE_FULL_DAYS:
        return 1.0, [Reason.DATES_CLOSE]
    sim = max(0.0, 1.0 - (days - DATE_FULL_DAYS) / (DATE_ZERO_DAYS - DATE_FULL_DAYS))
    return sim, ([Reason.DATES_CLOSE] if sim >= 0.5 else [])


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def _place(a: PersonFacts, b: PersonFacts) -> tuple[float | None, list[Reason]]:
    """Compared at the finest level both sides know (place, else state, else country): a vaguer record is not a
    different one."""
    ka = a.place_id if a.place_id is not None else (a.place_code or None)
    kb = b.place_id if b.place_id is not None else (b.place_code or None)
    if ka is not None and kb is not None:
        if ka == kb:
            return 1.0, [Reason.SAME_MUNICIPALITY]
        if None not in (a.latitude, a.longitude, b.latitude, b.longitude):
            km = distance_km(a.latitude, a.longitude, b.latitude, b.longitude)  # type: ignore[arg-type]
            if km <= 25:
                return 0.9, [Reason.NEARBY]
            if km <= 100:
                return 0.6, [Reason.NEARBY]
        if a.subdivision_code and a.subdivision_code == b.subdivision_code:
            return 0.6, [Reason.SAME_STATE]
        return (SAME_COUNTRY if a.country_code and a.country_code == b.country_code else 0.0), []
    if a.subdivision_code and b.subdivision_code:
        if a.subdivision_code == b.subdivision_code:
            return 1.0, [Reason.SAME_STATE]
        return (SAME_COUNTRY if a.country_code and a.country_code == b.country_code else 0.0), []
    if a.country_code and b.country_code:
        return (1.0 if a.country_code == b.country_code else 0.0), []
    return None, []


def compare(a: PersonFacts, b: PersonFacts) -> Comparison:
    """How alike two people are: score 0..1 (symmetric; identical facts with a name score 1) and why."""
    parts: dict[str, float | None] = {}
    reasons: list[Reason] = []
    for name, fn in (("given", _given), ("surnames", _surnames), ("age", _age), ("date", _date), ("place", _place)):
        sim, why = fn(a, b)
        parts[name] = sim
        reasons.extend(r for r in why if r not in reasons)
    if parts["given"] is None and parts["surnames"] is None:
        return Comparison(0.0, [], parts)
    known = {k: v for k, v in parts.items() if v is not None}
    score = sum(WEIGHTS[k] * v for k, v in known.items()) / sum(WEIGHTS[k] for k in known)
    if a.known_sex and b.known_sex and a.known_sex != b.known_sex:
        score *= SEX_MISMATCH_FACTOR
        reasons.append(Reason.DIFFERENT_SEX)
    score = round(min(1.0, max(0.0, score)), 4)
    return Comparison(score, reasons, parts)
