"""Case records in the Human Trafficking Case Data Standard (HTCDS 2.0, IOM), as JSON or CSV, for data collaboratives.

Field names are those of the official HTCDS 2.0 field standard (IOM: "HTCDS Field Standards 2.0" and its data-entry
workbook; table prefixes org_ organisation, cas_ case, prs_ person, vic_ victim context, per_ perpetrator context,
hte_ historic trafficking events, spl_ support plan), and values in its picklist fields are that picklist's value
names, spelt as the standard spells them (even "Unaquainted"). What HTCDS has no field or value for is ours and is
exported under the ext_ prefix (Red Alert extensions). docs/open-data.md has the table, field by field;
tests/test_htcds_standard.py checks both against the official files.

Without identifiers (the default) a record has no names, aliases, birth date, free text, reference, exact dates
(months only) or places finer than the first-level subdivision, and its id is a keyed pseudonym: the same case
gets the same id in every export, and nobody without the key can go back from the id to the case.
With identifiers (coordinators only, audited) a record also carries the names, aliases, birth date, case
reference, exact dates and the town, but only where the case's current consent to refer it to a partner
organisation is granted; the other records of that export stay pseudonymous. Free text, contacts, exact private
places and the names of linked people are never exported.

Unknown stays unknown: a value that is not known or not recorded is null in JSON and an empty cell in CSV, never
"no", 0 or an empty list. Counts of records (proceedings, convictions, services) count what is recorded.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from redalert.care.choices import ReferralDirection, ReferralStatus
from redalert.cases.choices import CaseStatus, Gender
from redalert.cases.models import Case
from redalert.consent.choices import Purpose
from redalert.consent.rules import cases_consenting_to
from redalert.investigation.choices import (
    EventType,
    LinkRole,
    OutcomeResult,
    RelationshipToTrafficker,
    RoleInProcess,
    TypeOfExploitation,
)
from redalert.legal.choices import AccusedOutcome, MeasureStatus
from redalert.opendata.config import pseudonym_secret
from redalert.opendata.ctdc import age_band
from redalert.opendata.sources import (
    country_of,
    iter_cases,
    known_choice,
    known_list,
    locality_of,
    related_or_none,
    shareable_case_ids,
    shareable_cases,
    subdivision_of,
)

STANDARD = "HTCDS 2.0"

# HTCDS case status from the Red Alert status: the search and verification are active case work; a located person
# is followed up (support, justice); a closed case is Closed, or ClosedReferred when it was handed to a partner.
CASE_STATUS = {
    CaseStatus.REPORTED: "Active",
    CaseStatus.VERIFICATION: "Active",
    CaseStatus.ACTIVE_SEARCH: "Active",
    CaseStatus.LOCATED_ALIVE: "FollowUp",
    CaseStatus.LOCATED_DECEASED: "FollowUp",
    CaseStatus.FOLLOW_UP: "FollowUp",
    CaseStatus.CLOSED: "Closed",
}
SEARCHING = frozenset({CaseStatus.REPORTED, CaseStatus.VERIFICATION, CaseStatus.ACTIVE_SEARCH})
PERPETRATOR_LINKS = frozenset({LinkRole.SUSPECT, LinkRole.PERPETRATOR})

# per_RoleInProcess: the standard's value names for the roles the case file records (None: not exported, as the role
# is not known or the person is not a perpetrator).
ROLE_IN_PROCESS: dict[str, str | None] = {
    RoleInProcess.UNKNOWN: None,
    RoleInProcess.NOT_APPLICABLE: None,
    RoleInProcess.TRAVELLING_PARTNER: "TravellingPartner",
    RoleInProcess.TRANSPORTER: "Transporter",
    RoleInProcess.RECRUITER: "RecruiterOrIntermediary",
    RoleInProcess.BROKER: "BrokerTravelAgent",
    RoleInProcess.SMUGGLER: "Smuggler",
    RoleInProcess.ABUSER: "Abuser",
    RoleInProcess.KIDNAPPER: "Kidnapper",
    RoleInProcess.EXPLOITER: "Exploiter",
    RoleInProcess.TRANSFERRED: "TransferredIndividual",
    RoleInProcess.HARBOURED: "HarbouredIndividual",
    RoleInProcess.SOLD: "SoldIndividual",
    RoleInProcess.BOUGHT: "BoughtIndividual",
    RoleInProcess.RECEIVED: "ReceivedIndividual",
    RoleInProcess.CONTROLLED: "ControlledIndividual",
    RoleInProcess.OTHER: "Other",
}
# vic_RelationshipToTrafficker: the standard spells the third value "Unaquainted"; the export uses its spelling.
RELATIONSHIP_TO_TRAFFICKER = {
    RelationshipToTrafficker.FAMILIAL: "Familial",
    RelationshipToTrafficker.ACQUAINTED: "Acquainted",
    RelationshipToTrafficker.UNACQUAINTED: "Unaquainted",
}
# vic_TypeOfExploitation: forms the case file records beyond the standard's picklist (seed documents, regional
# indicators). They are exported as the standard's "Other", and by name in ext_TypeOfExploitationOther.
EXPLOITATION_BEYOND_HTCDS = frozenset(
    {
        TypeOfExploitation.DEBT_BONDAGE,
        TypeOfExploitation.ABDUCTION,
        TypeOfExploitation.DOMESTIC_SERVITUDE,
        TypeOfExploitation.CRIMINAL_ACTIVITIES,
    }
)


@dataclass(frozen=True)
class Field:
    name: str
    identifiers_only: bool = False
    many: bool = False


# The flat record, in order. Lists are JSON arrays and ";"-joined CSV cells.
FIELDS: tuple[Field, ...] = (
    Field("ext_cas_CaseId"),
    Field("ext_cas_Reference", identifiers_only=True),
    Field("ext_IdentifiersIncluded"),
    Field("org_Name"),
    Field("org_Type"),
    Field("ext_OrganisationCountry"),
    Field("cas_Status"),
    Field("ext_RedAlertStatus"),
    Field("ext_YearReported"),
    Field("ext_MonthReported"),
    Field("ext_ReportedOn", identifiers_only=True),
    Field("ext_ReportChannel"),
    Field("cas_IncomingReferralDate"),
    Field("cas_OutgoingReferralDate"),
    Field("prs_FirstName", identifiers_only=True),
    Field("prs_SecondName", identifiers_only=True),
    Field("ext_Aliases", identifiers_only=True),
    Field("prs_Birthdate", identifiers_only=True),
    Field("prs_Gender"),
    Field("ext_Sex"),
    Field("ext_AgeWhenLastSeen"),
    Field("ext_AgeBand"),
    Field("prs_Citizenship", many=True),
    Field("prs_PrimaryLanguage"),
    Field("ext_Indigenous"),
    Field("prs_Deceased"),
    Field("ext_LastSeenMonth"),
    Field("ext_LastSeenOn", identifiers_only=True),
    Field("ext_LastSeenCountry"),
    Field("ext_LastSeenState"),
    Field("ext_LastSeenTown", identifiers_only=True),
    Field("vic_TraffickingStatus"),
    Field("vic_AgeWhenTrafficked"),
    Field("vic_RelationshipToTrafficker"),
    Field("vic_MethodOfRecruitment", many=True),
    Field("ext_WebsitesAndApps", many=True),
    Field("vic_MethodsOfControl", many=True),
    Field("vic_TypeOfExploitation", many=True),
    Field("ext_TypeOfExploitationOther", many=True),
    Field("vic_TypeOfSexExploitation", many=True),
    Field("ext_OrganisedCrime"),
    Field("per_RoleInProcess", many=True),
    Field("ext_PerpetratorsRecorded"),
    Field("ext_Outcome"),
    Field("ext_LocatedMonth"),
    Field("ext_LocatedOn", identifiers_only=True),
    Field("ext_HowLocated"),
    Field("ext_ProceedingsRecorded"),
    Field("ext_ProceedingStatuses", many=True),
    Field("ext_AccusedConvicted"),
    Field("ext_ProtectionMeasuresGranted"),
    Field("ext_ReparationsOrdered"),
    Field("ext_ServiceTypes", many=True),
    Field("spl_Type", many=True),
)
# The route: a list of HTCDS historic-trafficking-event records (hte_ fields) under our key; in CSV, flattened into
# our ext_hte_<Type><Countries|States|Dates|Towns> columns (HTCDS has one row per event, not per case).
EVENTS = "ext_hte_Events"
EVENT_FIELDS = ("Countries", "States", "Dates")
EVENT_FIELDS_IDENTIFIED = ("Towns",)


def pseudonym(case_id: int) -> str:
    """The case's stable pseudonymous id: an HMAC of its id under a secret key (not reversible without the key)."""
    digest = salted_hmac(
        "redalert.opendata.case-pseudonym", str(case_id), secret=pseudonym_secret(), algorithm="sha256"
    )
    return digest.hexdigest()[:32]


def _month(day: date | datetime | None) -> str | None:
    return day.strftime("%Y-%m") if day is not None else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _outcome(case: Case) -> tuple[str | None, date | None, str | None]:
    """(result, date located, how) from the recorded outcome, else from the status; None where not known."""
    outcome = related_or_none(case, "outcome")
    if outcome is not None:
        return outcome.result, outcome.on, known_choice(outcome.how)
    if case.status in (CaseStatus.LOCATED_ALIVE, CaseStatus.LOCATED_DECEASED):
        return case.status, case.located_on, None
    if case.status in SEARCHING:
        return "not_located", None, None
    return None, case.located_on, None  # followed up or closed without a recorded outcome: not known here


def _deceased(result: str | None) -> bool | None:
    if result == OutcomeResult.DECEASED:
        return True
    if result == OutcomeResult.ALIVE:
        return False
    return None


def _referral_dates(case: Case) -> tuple[date | None, date | None]:
    incoming = [r.referred_on for r in case.referrals.all() if r.direction == ReferralDirection.INCOMING]
    outgoing = [r.referred_on for r in case.referrals.all() if r.direction == ReferralDirection.OUTGOING]
    return (min(incoming) if incoming else None), (min(outgoing) if outgoing else None)


def _htcds_status(case: Case) -> str:
    if case.status == CaseStatus.CLOSED and any(
        r.direction == ReferralDirection.OUTGOING and r.status in (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED)
        for r in case.referrals.all()
    ):
        return "ClosedReferred"
    return CASE_STATUS[CaseStatus(case.status)]


def _age_when_trafficked(case: Case) -> int | None:
    """Age on the first recruitment event, when both the birth date and that date are known."""
    person = case.person
    recruited = [e.on for e in case.route.all() if e.event_type == EventType.RECRUITMENT and e.on is not None]
    if person.birth_date is None or not recruited:
        return None
    return person.age_on(min(recruited))


def _standard_exploitation(types: list[str] | None) -> list[str] | None:
    """The recorded types in the standard's picklist; the forms beyond it become its "Other" (once)."""
    if types is None:
        return None
    standard: list[str] = []
    for value in ("Other" if t in EXPLOITATION_BEYOND_HTCDS else t for t in types):
        if value not in standard:
            standard.append(value)
    return standard


def _exploitation_beyond(types: list[str] | None) -> list[str] | None:
    """The recorded forms beyond the standard's picklist, by our name: [] when every recorded type is in the
    standard, None when the types are not known."""
    if types is None:
        return None
    return [t for t in types if t in EXPLOITATION_BEYOND_HTCDS]


def _events(case: Case, identified: bool) -> list[dict[str, Any]]:
    events = []
    for event in case.route.all():
        item: dict[str, Any] = {
            "hte_Type": event.event_type,
            "hte_Country": country_of(event.place),
            "hte_State": subdivision_of(event.place),
            "hte_Date": _iso(event.on) if identified else _month(event.on),
        }
        if identified:
            item["hte_City"] = locality_of(event.place)
        events.append(item)
    return events


def htcds_record(case: Case, *, identified: bool) -> dict[str, Any]:
    """One case as an HTCDS record. `identified` adds the direct identifiers (the caller checks role and consent)."""
    person = case.person
    facts = related_or_none(case, "trafficking_facts")
    result, located_on, how = _outcome(case)
    incoming, outgoing = _referral_dates(case)
    perpetrators = [p for p in case.linked_people.all() if p.link in PERPETRATOR_LINKS]
    roles = sorted({role for p in perpetrators if (role := ROLE_IN_PROCESS.get(p.role_in_process)) is not None})
    exploitation = known_list(facts.exploitation_types) if facts else None
    proceedings = list(case.proceedings.all())
    age = person.age_when_last_seen
    shown_date = _iso if identified else _month
    record: dict[str, Any] = {
        "ext_cas_CaseId": pseudonym(case.pk),
        "ext_IdentifiersIncluded": identified,
        "org_Name": case.organisation.name,
        "org_Type": case.organisation.kind,
        "ext_OrganisationCountry": case.organisation.country or None,
        "cas_Status": _htcds_status(case),
        "ext_RedAlertStatus": case.status,
        "ext_YearReported": timezone.localtime(case.reported_at).year,
        "ext_MonthReported": _month(timezone.localtime(case.reported_at)),
        "ext_ReportChannel": case.report_channel,
        "cas_IncomingReferralDate": shown_date(incoming),
        "cas_OutgoingReferralDate": shown_date(outgoing),
        "prs_Gender": person.gender or Gender.UNKNOWN,
        "ext_Sex": known_choice(person.sex),
        "ext_AgeWhenLastSeen": age,
        "ext_AgeBand": age_band(age),
        "prs_Citizenship": list(person.nationalities) or None,
        "prs_PrimaryLanguage": person.languages[0] if person.languages else None,
        "ext_Indigenous": {"yes": True, "no": False}.get(person.indigenous),
        "prs_Deceased": _deceased(result),
        "ext_LastSeenMonth": _month(case.last_seen_on),
        "ext_LastSeenCountry": country_of(case.last_seen_place),
        "ext_LastSeenState": subdivision_of(case.last_seen_place),
        "vic_TraffickingStatus": known_choice(facts.trafficking_status) if facts else None,
        "vic_AgeWhenTrafficked": _age_when_trafficked(case),
        "vic_RelationshipToTrafficker": RELATIONSHIP_TO_TRAFFICKER.get(facts.relationship_to_trafficker)
        if facts
        else None,
        "vic_MethodOfRecruitment": known_list(facts.methods_of_recruitment) if facts else None,
        "ext_WebsitesAndApps": known_list(facts.websites_apps) if facts else None,
        "vic_MethodsOfControl": known_list(facts.methods_of_control) if facts else None,
        "vic_TypeOfExploitation": _standard_exploitation(exploitation),
        "ext_TypeOfExploitationOther": _exploitation_beyond(exploitation),
        "vic_TypeOfSexExploitation": known_list(facts.sex_exploitation_types) if facts else None,
        "ext_OrganisedCrime": {"yes": True, "no": False}.get(facts.organised_crime) if facts else None,
        "per_RoleInProcess": roles or None,
        "ext_PerpetratorsRecorded": len(perpetrators),
        "ext_Outcome": result,
        "ext_LocatedMonth": _month(located_on),
        "ext_HowLocated": how,
        "ext_ProceedingsRecorded": len(proceedings),
        "ext_ProceedingStatuses": sorted({p.status for p in proceedings}) or None,
        "ext_AccusedConvicted": sum(
            1 for p in proceedings for a in p.accused.all() if a.outcome == AccusedOutcome.CONVICTED
        ),
        "ext_ProtectionMeasuresGranted": sum(
            1 for p in proceedings for m in p.measures.all() if m.status == MeasureStatus.GRANTED
        ),
        "ext_ReparationsOrdered": sum(len(p.reparations.all()) for p in proceedings),
        "ext_ServiceTypes": sorted({s.service_type for s in case.services.all()}) or None,
        "spl_Type": sorted({o.area for o in case.support_objectives.all()}) or None,
        EVENTS: _events(case, identified),
    }
    if identified:
        record.update(
            {
                "ext_cas_Reference": case.reference,
                "prs_FirstName": person.given_names or None,
                "prs_SecondName": " ".join(p for p in (person.first_surname, person.second_surname) if p) or None,
                "ext_Aliases": person.aliases or None,
                "prs_Birthdate": _iso(person.birth_date),
                "ext_ReportedOn": _iso(timezone.localtime(case.reported_at).date()),
                "ext_LastSeenOn": _iso(case.last_seen_on),
                "ext_LastSeenTown": locality_of(case.last_seen_place),
                "ext_LocatedOn": _iso(located_on),
            }
        )
    return record


# -- The export: which cases, which of them identified, and the two formats.


@dataclass(frozen=True)
class ExportPlan:
    """What one export will contain, fixed before the first byte is sent (and written to the audit log)."""

    case_ids: list[int]
    identified_ids: frozenset[int]
    with_identifiers: bool

    @property
    def records(self) -> int:
        return len(self.case_ids)


def plan_export(cases: QuerySet[Case], *, with_identifiers: bool) -> ExportPlan:
    """The cases with consent to use in statistics; with identifiers, those that also have a current consent to be
    referred to a partner organisation carry their identifiers (the others stay pseudonymous)."""
    ids = shareable_case_ids(cases)
    identified: frozenset[int] = frozenset()
    if with_identifiers and ids:
        consenting = cases_consenting_to(shareable_cases(cases), Purpose.REFERRAL)
        identified = frozenset(consenting.values_list("pk", flat=True)) & frozenset(ids)
    return ExportPlan(case_ids=ids, identified_ids=identified, with_identifiers=with_identifiers)


def records(plan: ExportPlan) -> Iterator[dict[str, Any]]:
    for case in iter_cases(plan.case_ids):
        yield htcds_record(case, identified=case.pk in plan.identified_ids)


def fields_for(with_identifiers: bool) -> list[Field]:
    return [f for f in FIELDS if with_identifiers or not f.identifiers_only]


def csv_columns(with_identifiers: bool) -> list[str]:
    columns = [f.name for f in fields_for(with_identifiers)]
    event_fields = EVENT_FIELDS + (EVENT_FIELDS_IDENTIFIED if with_identifiers else ())
    for event_type in EventType.values:
        columns.extend(f"ext_hte_{event_type}{what}" for what in event_fields)
    return columns


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join("" if v is None else str(v) for v in value)
    return str(value)


def csv_row(record: dict[str, Any], with_identifiers: bool) -> list[str]:
    row = [_cell(record.get(f.name)) for f in fields_for(with_identifiers)]
    keys = {"Countries": "hte_Country", "States": "hte_State", "Dates": "hte_Date", "Towns": "hte_City"}
    event_fields = EVENT_FIELDS + (EVENT_FIELDS_IDENTIFIED if with_identifiers else ())
    for event_type in EventType.values:
        events = [e for e in record[EVENTS] if e["hte_Type"] == event_type]
        for what in event_fields:
            # One entry per event, in route order; an unknown entry stays empty so that the lists stay aligned.
            row.append(";".join(_cell(e.get(keys[what])) for e in events))
    return row


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream_csv(plan: ExportPlan) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(csv_columns(plan.with_identifiers))
    for record in records(plan):
        yield writer.writerow(csv_row(record, plan.with_identifiers))


def json_record(record: dict[str, Any], with_identifiers: bool) -> dict[str, Any]:
    ordered = {f.name: record.get(f.name) for f in fields_for(with_identifiers)}
    ordered[EVENTS] = record[EVENTS]
    return ordered


def stream_json(plan: ExportPlan, *, organisations: Iterable[str]) -> Iterator[str]:
    header = {
        "standard": STANDARD,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "organisations": list(organisations),
        "identifiers_included": plan.with_identifiers,
        "record_count": plan.records,
    }
    opening = json.dumps(header, ensure_ascii=False)[:-1]
    yield opening + ', "records": [\n'
    for index, record in enumerate(records(plan)):
        yield ("" if index == 0 else ",\n") + json.dumps(json_record(record, plan.with_identifiers), ensure_ascii=False)
    yield "\n]}\n"
