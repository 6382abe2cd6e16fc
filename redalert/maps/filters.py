"""The filters every map layer and table takes: years, sex, age group and type of exploitation.

"Not known" can be chosen in each filter, and is never lumped with a value: a case whose age is not known is in
no age group, a case whose exploitation was not recorded has no type.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from redalert.investigation.choices import NOT_KNOWN, TypeOfExploitation

# Age groups of the CTDC open data (k-anonymised victim data), plus minors and adults as a whole.
AGE_GROUPS: dict[str, tuple[str | Promise, int | None, int | None]] = {
    "minor": (_("Under 18"), 0, 17),
    "adult": (_("18 or older"), 18, None),
    "0-8": ("0–8", 0, 8),
    "9-17": ("9–17", 9, 17),
    "18-20": ("18–20", 18, 20),
    "21-23": ("21–23", 21, 23),
    "24-26": ("24–26", 24, 26),
    "27-29": ("27–29", 27, 29),
    "30-38": ("30–38", 30, 38),
    "39-47": ("39–47", 39, 47),
    "48+": (_("48 or older"), 48, None),
}
AGE_UNKNOWN = "unknown"

# One bit per type of exploitation in CaseMapFact.exploitation. Fixed numbers: stored rows depend on them, so a
# new type gets a new bit (a type missing here is stored as "Other"; a test checks that none is missing).
EXPLOITATION_BITS: dict[str, int] = {
    TypeOfExploitation.FORCED_LABOUR: 1 << 0,
    TypeOfExploitation.SEXUAL: 1 << 1,
    TypeOfExploitation.CHILD_LABOUR: 1 << 2,
    TypeOfExploitation.FORCED_MARRIAGE: 1 << 3,
    TypeOfExploitation.SERVITUDE: 1 << 4,
    TypeOfExploitation.FORCED_MILITARY: 1 << 5,
    TypeOfExploitation.ORGAN_REMOVAL: 1 << 6,
    TypeOfExploitation.FORCED_BEGGING: 1 << 7,
    TypeOfExploitation.FORCED_ADOPTION: 1 << 8,
    TypeOfExploitation.SURROGACY: 1 << 9,
    TypeOfExploitation.DEBT_BONDAGE: 1 << 10,
    TypeOfExploitation.ABDUCTION: 1 << 11,
    TypeOfExploitation.DOMESTIC_SERVITUDE: 1 << 12,
    TypeOfExploitation.CRIMINAL_ACTIVITIES: 1 << 13,
    TypeOfExploitation.OTHER: 1 << 14,
    NOT_KNOWN: 1 << 20,
}
EXPLOITATION_NOT_RECORDED = "not_recorded"


def exploitation_bits(types: list[str] | None) -> int:
    """The bits of a TraffickingFacts.exploitation_types list; 0 when nothing was recorded."""
    bits = 0
    for code in types or []:
        bits |= EXPLOITATION_BITS.get(code, EXPLOITATION_BITS[TypeOfExploitation.OTHER])
    return bits


@dataclass(frozen=True)
class MapFilters:
    """Which cases a layer counts. Empty fields do not filter."""

    year_from: int | None = None
    year_to: int | None = None
    sex: str = ""
    age_group: str = ""  # a key of AGE_GROUPS, or AGE_UNKNOWN
    # A key of EXPLOITATION_BITS (NOT_KNOWN: recorded as not known), or EXPLOITATION_NOT_RECORDED.
    exploitation: str = ""

    def apply(self, facts: QuerySet, prefix: str = "") -> QuerySet:
        """Narrow a queryset of CaseMapFact (prefix "") or of a model pointing at it (prefix "fact__")."""
        q = Q()
        if self.year_from is not None:
            q &= Q(**{f"{prefix}year__gte": self.year_from})
        if self.year_to is not None:
            q &= Q(**{f"{prefix}year__lte": self.year_to})
        if self.sex:
            q &= Q(**{f"{prefix}sex": self.sex})
        if self.age_group == AGE_UNKNOWN:
            q &= Q(**{f"{prefix}age__isnull": True})
        elif self.age_group in AGE_GROUPS:
            _label, low, high = AGE_GROUPS[self.age_group]
            if low:
                q &= Q(**{f"{prefix}age__gte": low})
            else:
                q &= Q(**{f"{prefix}age__isnull": False})
            if high is not None:
                q &= Q(**{f"{prefix}age__lte": high})
        facts = facts.filter(q)
        if self.exploitation == EXPLOITATION_NOT_RECORDED:
            facts = facts.filter(**{f"{prefix}exploitation": 0})
        elif self.exploitation in EXPLOITATION_BITS:
            bit = EXPLOITATION_BITS[self.exploitation]
            facts = facts.alias(exploitation_bit=F(f"{prefix}exploitation").bitand(bit)).filter(exploitation_bit__gt=0)
        return facts

    def query_string(self) -> str:
        """The filters as a URL query (for the layers' URLs and links)."""
        from django.http import QueryDict

        query = QueryDict(mutable=True)
        for name in ("year_from", "year_to", "sex", "age_group", "exploitation"):
            value = getattr(self, name)
            if value not in (None, ""):
                query[name] = str(value)
        return query.urlencode()
