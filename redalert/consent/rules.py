"""Consent rules: the one place that answers "may this be done with this case now?"."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from redalert.cases.models import Case
from redalert.consent.models import ConsentRecord, Decision, Purpose


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


def current_consents(case: Case) -> dict[str, ConsentRecord | None]:
    """The newest decision for every purpose (None where nothing was ever recorded)."""
    current: dict[str, ConsentRecord | None] = {p.value: None for p in Purpose}
    for record in ConsentRecord.objects.filter(case=case).order_by("recorded_at", "id"):
        current[record.purpose] = record
    return current


def may_use(case: Case, purpose: Purpose | str) -> Verdict:
    """A case may be used for a purpose only while the newest consent decision for it is "granted"."""
    purpose = Purpose(purpose)
    record = ConsentRecord.objects.filter(case=case, purpose=purpose).order_by("-recorded_at", "-id").first()
    if record is None:
        return Verdict(False, _("There is no consent recorded for: %(purpose)s.") % {"purpose": purpose.label})
    if record.decision != Decision.GRANTED:
        return Verdict(
            False,
            _("Consent for “%(purpose)s” was %(decision)s on %(date)s.")
            % {
                "purpose": purpose.label,
                "decision": record.get_decision_display().lower(),
                "date": date_format(record.decided_on, "SHORT_DATE_FORMAT"),
            },
        )
    return Verdict(True, "")


def cases_consenting_to(cases: QuerySet[Case], purpose: Purpose | str) -> QuerySet[Case]:
    """The subset of `cases` whose current consent for `purpose` is granted: the set-based twin of may_use."""
    from django.db.models import OuterRef, Subquery

    newest = (
        ConsentRecord.objects.filter(case=OuterRef("pk"), purpose=Purpose(purpose))
        .order_by("-recorded_at", "-id")
        .values("decision")[:1]
    )
    return cases.annotate(_consent=Subquery(newest)).filter(_consent=Decision.GRANTED)
