"""Consent rules: the one place that answers "may this be done with this case now?"."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, cast

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from redalert.cases.models import Case
from redalert.consent.choices import Decision, Purpose
from redalert.consent.models import ConsentRecord, CurrentConsent


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
    """The subset of `cases` whose current consent for `purpose` is granted: the set-based twin of may_use.

    It reads CurrentConsent, and fails closed where that row is behind the history: a decision recorded past the
    services (so not yet followed) makes the case count as not consenting until `rebuild_current_consents`.
    """
    purpose = Purpose(purpose)
    newer = ConsentRecord.objects.filter(case_id=OuterRef("case_id"), purpose=purpose, id__gt=OuterRef("record_id"))
    granted = CurrentConsent.objects.filter(case_id=OuterRef("pk"), purpose=purpose, decision=Decision.GRANTED)
    return cases.filter(Exists(granted.filter(~Exists(newer))))


def newest_decisions(
    case_ids: Collection[int] | QuerySet[Case] | None = None,
) -> dict[tuple[int, str], tuple[int, str]]:
    """(case, purpose) → (record id, decision) of the current decision, for these cases (or all).

    The current decision is the record with no later record for the same case and purpose (records are
    append-only, so ids order them as recorded).
    """
    records = ConsentRecord.objects.all()
    if case_ids is not None:
        records = records.filter(case_id__in=cast(Any, case_ids))
    later = ConsentRecord.objects.filter(
        case_id=OuterRef("case_id"), purpose=OuterRef("purpose"), id__gt=OuterRef("id")
    )
    newest = records.filter(~Exists(later)).values_list("id", "case_id", "purpose", "decision")
    return {(case_id, purpose): (pk, decision) for pk, case_id, purpose, decision in newest.iterator()}


def rebuild_current_consents(case_ids: Collection[int] | QuerySet[Case] | None = None) -> int:
    """Make CurrentConsent match the history for these cases (or all); returns how many rows it changed.

    Announced decisions keep CurrentConsent current on their own (redalert.consent.followers); this repairs it
    after bulk loads that bypass the services, and running it again changes nothing.
    """
    with transaction.atomic():
        stored_rows = CurrentConsent.objects.all()
        if case_ids is not None:
            stored_rows = stored_rows.filter(case_id__in=cast(Any, case_ids))
        stored = {
            (c, p): (pk, r, d)
            for pk, c, p, r, d in stored_rows.values_list("pk", "case_id", "purpose", "record_id", "decision")
        }
        fresh = newest_decisions(case_ids)
        gone = [pk for key, (pk, _r, _d) in stored.items() if key not in fresh]
        stale = [pk for key, (pk, r, d) in stored.items() if key in fresh and fresh[key] != (r, d)]
        CurrentConsent.objects.filter(pk__in=gone + stale).delete()
        missing = [key for key in fresh if key not in stored or stored[key][0] in stale]
        CurrentConsent.objects.bulk_create(
            [
                CurrentConsent(case_id=c, purpose=p, record_id=fresh[(c, p)][0], decision=fresh[(c, p)][1])
                for c, p in missing
            ],
            batch_size=5000,
        )
    return len(gone) + len(missing)
