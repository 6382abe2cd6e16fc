"""What a report counts: the cases of one organisation, or of the whole coalition.

The consent rule, in one place:
- an organisation's own report counts all of its cases: it is the organisation's accountability for the work it
  did, seen only by its own coordinators, analysts and administrators;
- the coalition report aggregates the cases of every coalition-member organisation, but only those whose current
  consent to "use in statistics" is granted (redalert.consent.rules.cases_consenting_to): the figures leave the
  organisation that holds the cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from redalert.accounts.models import Organisation
from redalert.cases.models import Case
from redalert.coalition.counting import count_once
from redalert.consent.choices import Purpose
from redalert.consent.rules import cases_consenting_to
from redalert.statistics.models import CaseFact

ORGANISATION = "organisation"
COALITION = "coalition"


@dataclass(frozen=True)
class Scope:
    kind: str  # ORGANISATION or COALITION
    organisation_ids: tuple[int, ...]
    code: str  # the organisation's code; "" for the coalition
    name: str
    statistics_consent_only: bool

    def cases(self) -> QuerySet[Case]:
        """The cases the report counts (before any year is applied)."""
        # A case merged into another is counted once, as the case that remained (redalert.duplicates).
        cases = Case.objects.filter(organisation_id__in=self.organisation_ids, merged_into__isnull=True)
        if self.statistics_consent_only:
            cases = cases_consenting_to(cases, Purpose.STATISTICS)
        if self.kind == COALITION:
            # A girl two members hold, confirmed by both coordinators (redalert.coalition), is counted once.
            cases = count_once(cases)
        return cases

    def facts(self) -> QuerySet[CaseFact]:
        """The report's per-case rows of these cases: filtered on the rows alone where the scope allows it (one
        or more organisations, no consent filter), so the counts never read the case files."""
        if not self.statistics_consent_only and self.kind != COALITION:
            return CaseFact.objects.filter(organisation_id__in=self.organisation_ids, merged=False)
        return CaseFact.objects.filter(case__in=self.cases().values("pk"))

    @property
    def is_coalition(self) -> bool:
        return self.kind == COALITION

    def consent_rule(self) -> str:
        if self.statistics_consent_only:
            return _(
                "Counts only the cases whose current consent to “use in statistics” is granted, in every "
                "coalition-member organisation."
            )
        return _(
            "Counts every case of the organisation, whatever its consent to “use in statistics”: this is the "
            "organisation's own accountability report, seen only inside the organisation."
        )


def organisation_scope(organisation: Organisation) -> Scope:
    return Scope(ORGANISATION, (organisation.pk,), organisation.code, organisation.name, statistics_consent_only=False)


def coalition_scope() -> Scope:
    members = tuple(Organisation.objects.filter(coalition_member=True).order_by("pk").values_list("pk", flat=True))
    return Scope(COALITION, members, "", _("The whole coalition"), statistics_consent_only=True)
