"""Consent rules: the one place that answers "may this be done with this case now?"."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from redalert.cases.models import Case
from redalert.consent.choices import Decision, Purpose
from redalert.consent.models import ConsentRecord, CurrentConsent
from redalert.lib.replica import on_replica, reading_from_primary


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


# The order of decisions about one purpose: by the date the decision was given, then as recorded. The current
# decision is the last in this order, whatever order the records were typed in.
DECISION_ORDER = ("decided_on", "id")


def later_than(decided_on: Any, pk: Any) -> Q:
    """Records that come after (decided_on, pk) in DECISION_ORDER (values or OuterRefs)."""
    return Q(decided_on__gt=decided_on) | Q(decided_on=decided_on, id__gt=pk)


def current_consents(case: Case) -> dict[str, ConsentRecord | None]:
    """The current decision for every purpose (None where nothing was ever recorded)."""
    current: dict[str, ConsentRecord | None] = {p.value: None for p in Purpose}
    with reading_from_primary():  # consent is read on the primary, never on a replica that may lag (issue 19)
        for record in ConsentRecord.objects.filter(case=case).order_by(*DECISION_ORDER):
            current[record.purpose] = record
    return current


def current_decision(case: Case | int, purpose: Purpose | str) -> ConsentRecord | None:
    """The decision in force for one purpose: the one given last (ties: the one recorded last)."""
    case_id = case if isinstance(case, int) else case.pk
    records = ConsentRecord.objects.filter(case_id=case_id, purpose=Purpose(purpose))
    with reading_from_primary():  # never a replica that may lag (issue 19)
        return records.order_by(*(f"-{name}" for name in DECISION_ORDER)).first()


def may_record(case: Case, purpose: Purpose | str, decided_on: date) -> Verdict:
    """A new decision may be recorded only if it is not dated before the decision in force: a grant dated 2020
    typed after a withdrawal of 2026 would otherwise either bring the case back or sit in the history unnoticed."""
    current = current_decision(case, purpose)
    if current is not None and decided_on < current.decided_on:
        return Verdict(
            False,
            _(
                "This decision is dated before the one in force (%(decision)s on %(date)s) and would not change it. "
                "Record the date on which it was actually given; if the family decides again, that is today."
            )
            % {
                "decision": current.get_decision_display().lower(),
                "date": date_format(current.decided_on, "SHORT_DATE_FORMAT"),
            },
        )
    return Verdict(True, "")


def may_use(case: Case, purpose: Purpose | str) -> Verdict:
    """A case may be used for a purpose only while the decision in force for it is "granted"."""
    purpose = Purpose(purpose)
    record = current_decision(case, purpose)
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
    newer = ConsentRecord.objects.filter(
        later_than(OuterRef("record__decided_on"), OuterRef("record_id")), case_id=OuterRef("case_id"), purpose=purpose
    )
    granted = CurrentConsent.objects.filter(case_id=OuterRef("pk"), purpose=purpose, decision=Decision.GRANTED)
    consenting = cases.filter(Exists(granted.filter(~Exists(newer))))
    if not on_replica():
        return consenting
    # Inside reading_from_replica() (a report, a map, an export): the consent part is decided on the primary, now,
    # and the rest of the query runs on the replica with that list of cases, so a withdrawal counts at once however
    # far the replica lags (issue 19). PostgreSQL only: there is no replica on SQLite.
    with reading_from_primary():
        ids = list(consenting.values_list("pk", flat=True))
    return cases.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (ids,)))


def newest_decisions(
    case_ids: Collection[int] | QuerySet[Case] | None = None,
) -> dict[tuple[int, str], tuple[int, str]]:
    """(case, purpose) → (record id, decision) of the current decision, for these cases (or all).

    The current decision is the record with no later record (DECISION_ORDER) for the same case and purpose.
    """
    records = ConsentRecord.objects.all()
    if case_ids is not None:
        records = records.filter(case_id__in=cast(Any, case_ids))
    later = ConsentRecord.objects.filter(
        later_than(OuterRef("decided_on"), OuterRef("id")), case_id=OuterRef("case_id"), purpose=OuterRef("purpose")
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
