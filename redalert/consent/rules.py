"""Consent rules: the one place that answers "may this be done with this case now?"."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from redalert.cases.models import Case
from redalert.consent.models import ConsentRecord, CurrentConsent, Decision, Purpose


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


def current_consents(case: Case) -> dict[str, ConsentRecord | None]:
    """The newest decision for every purpose (None where nothing was ever recorded).

    "Newest" is the last record written: records are append-only, so the id orders them as they were recorded.
    """
    current: dict[str, ConsentRecord | None] = {p.value: None for p in Purpose}
    for record in ConsentRecord.objects.filter(case=case).order_by("id"):
        current[record.purpose] = record
    return current


def may_use(case: Case, purpose: Purpose | str) -> Verdict:
    """A case may be used for a purpose only while the newest consent decision for it is "granted"."""
    purpose = Purpose(purpose)
    record = ConsentRecord.objects.filter(case=case, purpose=purpose).order_by("-id").first()
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
    return cases.filter(current_consents__purpose=Purpose(purpose), current_consents__decision=Decision.GRANTED)


def rebuild_current_consents(cases: QuerySet[Case] | None = None) -> int:
    """Recompute CurrentConsent from the history (after bulk loads that bypass ConsentRecord.save()).

    The newest record per case and purpose is the one with no later record (records are append-only, so ids order
    them as recorded). Returns the number of rows written.
    """
    records = ConsentRecord.objects.all()
    if cases is not None:
        records = records.filter(case__in=cases)
    later = ConsentRecord.objects.filter(
        case_id=OuterRef("case_id"), purpose=OuterRef("purpose"), id__gt=OuterRef("id")
    )
    newest = records.filter(~Exists(later)).values_list("id", "case_id", "purpose", "decision")
    with transaction.atomic():
        stale = CurrentConsent.objects.all()
        if cases is not None:
            stale = stale.filter(case__in=cases)
        stale.delete()
        rows = [CurrentConsent(record_id=i, case_id=c, purpose=p, decision=d) for i, c, p, d in newest.iterator()]
        CurrentConsent.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
