"""Writing one checked row into the case file, through the existing models, as intake and the lifecycle would.

A new reference creates a case (reference CODE-YYYY-NNNN numbered by the year of the report, the person, the
importing user on the team if she works on cases, the "report received" line, the status history, the outcome,
the facts, route, proceeding, services, expenses and consent decisions the row gives) and an ImportedCase
mapping the organisation's reference to it. A reference imported before updates that case: only the columns (or
groups of columns) whose value changed in the file since the last import are applied, and only the child rows the
import wrote for them are replaced. Every created or updated case gets an audit entry for the importing user.

Unknown stays unknown: an empty cell writes the model's "not known" value (Sex.UNKNOWN, "unknown", None, []),
never "no" or 0.
"""

from __future__ import annotations

import copy
import hmac
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from redalert.accounts.models import Organisation, User
from redalert.audit.log import Entry as AuditItem
from redalert.audit.log import record as audit_record
from redalert.audit.log import record_many as audit_record_many
from redalert.audit.models import AuditAction
from redalert.care.choices import Phase, ProviderKind, Recipient
from redalert.care.models import Expense, Service
from redalert.cases.choices import CaseStatus, Gender, Relationship, Sex, YesNoUnknown
from redalert.cases.models import Case, MissingPerson, TeamMembership, TimelineEvent, TimelineKind
from redalert.cases.services import diff, next_references
from redalert.changes.announce import Kind, announce, announce_many
from redalert.consent.choices import ConsentMethod, Decision, Purpose
from redalert.consent.models import ConsentRecord
from redalert.consent.rules import current_decision
from redalert.imports.bulk import insert
from redalert.imports.columns import BY_NAME, EXPENSES, HISTORY, LEGAL, SERVICES
from redalert.imports.models import ImportedCase, ImportedObject, ImportJob
from redalert.imports.problems import Problem, RowRejected
from redalert.imports.rows import History, ParsedRow
from redalert.investigation.choices import EventType, OutcomeResult, TraffickingStatus
from redalert.investigation.models import Outcome, TraffickingEvent, TraffickingFacts
from redalert.legal.choices import AccusedOutcome, Authority, DeclineReason, ProceedingStatus
from redalert.legal.models import Accused, Proceeding, StatusChange
from redalert.places.models import Place

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
REPORTED = "reported"  # the group of the "report received" timeline line

# Columns written to a field of the case or of the person: column → (model, field, value when the cell is empty).
CASE_FIELDS: dict[str, tuple[str, Any]] = {
    "reported_on": ("reported_at", None),
    "report_channel": ("report_channel", ""),  # no channel value means "not known"; blank is stored as not recorded
    "last_seen_on": ("last_seen_on", None),
    "last_seen_place": ("last_seen_place", None),
}
PERSON_FIELDS: dict[str, tuple[str, Any]] = {
    "given_names": ("given_names", ""),
    "first_surname": ("first_surname", ""),
    "second_surname": ("second_surname", ""),
    "sex": ("sex", Sex.UNKNOWN),
    "gender": ("gender", Gender.UNKNOWN),
    "birth_date": ("birth_date", None),
    "age_at_disappearance": ("estimated_age", None),
    "nationalities": ("nationalities", list),
    "ethnicity": ("ethnicity", ""),
    "indigenous": ("indigenous", YesNoUnknown.UNKNOWN),
    "indigenous_people": ("indigenous_people", ""),
}
FACTS_FIELDS: dict[str, tuple[str, Any]] = {
    "trafficking_status": ("trafficking_status", TraffickingStatus.UNKNOWN),
    "type_of_exploitation": ("exploitation_types", list),
    "organised_crime": ("organised_crime", YesNoUnknown.UNKNOWN),
}
ROUTE_COLUMNS = {
    "recruitment_places": EventType.RECRUITMENT,
    "transit_places": EventType.TRANSIT,
    "exploitation_places": EventType.EXPLOITATION,
}
CONSENT_COLUMNS = {"consent_statistics": Purpose.STATISTICS, "legal_representation": Purpose.LEGAL_REPRESENTATION}
# Answers of the consent and legal-representation columns → consent decisions ("unknown" records nothing).
ANSWER_TO_DECISION = {
    "yes": Decision.GRANTED,
    "no": Decision.REFUSED,
    Decision.GRANTED: Decision.GRANTED,
    Decision.REFUSED: Decision.REFUSED,
}
KEY_COLUMNS = ("organisation", "case_reference")


@dataclass(frozen=True)
class WriteContext:
    organisation: Organisation
    actor: User
    job: ImportJob | None = None


def _empty(default: Any) -> Any:
    return default() if callable(default) else default


def _normal(value: Any) -> Any:
    if isinstance(value, Place):
        return value.code
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return {name: _normal(getattr(value, name)) for name in value.__dataclass_fields__}
    return value if value is None or isinstance(value, int | str) else str(value)


def fingerprints(row: ParsedRow) -> dict[str, str]:
    """A keyed hash per column (or group of columns) of what the row says, to see what changed since last time.

    Keyed (HMAC with the secret key), so that a stored hash does not give away a birth date by trial.
    """
    groups: dict[str, dict[str, Any]] = {}
    for name in row.present:
        if name in KEY_COLUMNS:
            continue
        group = BY_NAME[name].group or name
        groups.setdefault(group, {})[name] = _normal(row.values.get(name))
    if HISTORY in groups:  # the history's dates depend on the report and the date last seen
        groups[HISTORY]["reported_on"] = _normal(row.values.get("reported_on"))
        groups[HISTORY]["last_seen_on"] = _normal(row.values.get("last_seen_on"))
    if "service" in row.repeated:
        groups[SERVICES] = {"services": _normal(row.services)}
    if "expense" in row.repeated:
        groups[EXPENSES] = {"expenses": _normal(row.expenses)}
    return {group: _keyed_hash(values) for group, values in groups.items()}


_FINGERPRINT_SALT = "redalert.imports.fingerprint"


@lru_cache(maxsize=4)
def _fingerprint_mac(secret: str) -> hmac.HMAC:
    """The keyed MAC of the fingerprints, ready to copy: Django's salted_hmac(_FINGERPRINT_SALT, …), whose key is
    derived once per secret instead of once per column of every row."""
    return salted_hmac(_FINGERPRINT_SALT, b"", secret)


def _keyed_hash(values: dict[str, Any]) -> str:
    return _content_hash(json.dumps(values, sort_keys=True, default=str), settings.SECRET_KEY)


@lru_cache(maxsize=65536)
def _content_hash(content: str, secret: str) -> str:
    """The keyed hash of a group's content (many rows share one: the same sex, status, dates), computed once."""
    mac = _fingerprint_mac(secret).copy()
    mac.update(content.encode("utf-8"))
    return mac.hexdigest()[:32]


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


class Pending:
    """Child rows waiting to be inserted, a bulk insert per model in an order where every row's parents go first
    (so that a proceeding's status changes find its id). One per row when rows are saved one by one; one per
    batch when many new cases are created at once."""

    ORDER: tuple[type[models.Model], ...] = (
        TimelineEvent,
        Outcome,
        TraffickingFacts,
        TraffickingEvent,
        Proceeding,
        StatusChange,
        Accused,
        Service,
        Expense,
        ConsentRecord,
    )
    # Rows nothing refers to afterwards (never marked as the import's own, no child rows): inserted without asking
    # for their ids.
    WITHOUT_IDS: frozenset[type[models.Model]] = frozenset({StatusChange, Accused, ConsentRecord})

    def __init__(self) -> None:
        self.rows: dict[type[models.Model], list[models.Model]] = {model: [] for model in self.ORDER}

    def add(self, obj: models.Model) -> None:
        self.rows[type(obj)].append(obj)

    def flush(self) -> None:
        for model, objs in self.rows.items():
            if objs:
                insert(model, objs, ids=model not in self.WITHOUT_IDS)
                objs.clear()


class _Writer:
    """Writes one row's child rows (through `pending`), and remembers those that are the import's own."""

    def __init__(
        self,
        ctx: WriteContext,
        row: ParsedRow,
        case: Case,
        imported: ImportedCase | None,
        pending: Pending,
        *,
        new: bool,
    ) -> None:
        self.ctx = ctx
        self.row = row
        self.case = case
        self.imported = imported
        self.pending = pending
        self.new = new  # a new case has nothing to replace: no need to ask the database
        self.owned: list[tuple[str, models.Model]] = []

    # --- ownership ---

    def add(self, group: str, obj: models.Model) -> None:
        """Queue a child row; one of a group ("" for history such as consent lines) is the import's own."""
        self.pending.add(obj)
        if group:
            self.owned.append((group, obj))

    def owned_ids(self, group: str, model: type[models.Model]) -> list[int]:
        if self.new or self.imported is None:
            return []
        return list(
            ImportedObject.objects.filter(
                imported_case=self.imported, group=group, model=model._meta.label_lower
            ).values_list("object_id", flat=True)
        )

    def drop_owned(self, group: str, model: type[models.Model]) -> None:
        """Delete the rows of a model the import wrote for a group, and forget them."""
        ids = self.owned_ids(group, model)
        if ids and self.imported is not None:
            model._default_manager.filter(pk__in=ids).delete()
            ImportedObject.objects.filter(
                imported_case=self.imported, group=group, model=model._meta.label_lower
            ).delete()

    def marks(self) -> list[ImportedObject]:
        """The ImportedObject rows of what this row wrote (once `pending` was flushed and the rows have ids)."""
        assert self.imported is not None
        return [
            ImportedObject(
                imported_case_id=self.imported.pk, group=group, model=obj._meta.label_lower, object_id=obj.pk
            )
            for group, obj in self.owned
        ]

    # --- what the row says ---

    def value(self, column: str, default: Any) -> Any:
        value = self.row.values.get(column)
        return _empty(default) if value is None else value

    def set_fields(self, obj: models.Model, mapping: dict[str, tuple[str, Any]], columns: set[str]) -> None:
        for column, (field_name, default) in mapping.items():
            if column in columns:
                setattr(obj, field_name, self.value(column, default))

    @property
    def note(self) -> str:
        job = self.ctx.job
        return _("From the organisation's previous records (import no. %(job)s, line %(line)s).") % {
            "job": job.pk if job else "-",
            "line": self.row.line,
        }

    # --- groups ---

    def report_line(self) -> None:
        """The "report received" line, as intake writes it."""
        self.drop_owned(REPORTED, TimelineEvent)
        line = TimelineEvent(
            case_id=self.case.pk,
            at=self.case.reported_at,
            actor_id=self.ctx.actor.pk,
            kind=TimelineKind.REPORTED,
            summary_data={"channel": self.case.report_channel},
        )
        self.add(REPORTED, line)

    def set_history(self, history: History) -> None:
        """The case's status and dates from the file (saved with the case by the caller)."""
        case = self.case
        case.status = history.status
        case.located_on = history.located_on
        case.closed_on = history.closed_on
        case.closure_reason = history.closure_reason[:300]
        case.status_changed_at = _noon(history.steps[-1].on) if history.steps else case.reported_at

    def history_rows(self, history: History) -> None:
        """The status lines of the timeline, in the format of the lifecycle, and the outcome."""
        case = self.case
        if not self.new:
            own_lines = self.owned_ids(HISTORY, TimelineEvent)
            worked = TimelineEvent.objects.filter(case=case, kind=TimelineKind.STATUS).exclude(pk__in=own_lines)
            recorded = Outcome.objects.filter(case=case).exclude(pk__in=self.owned_ids(HISTORY, Outcome))
            if worked.exists() or recorded.exists():
                raise RowRejected([Problem(self.row.line, "status", self.row.cells.get("status", ""), _STATUS_CHANGED)])
            self.drop_owned(HISTORY, TimelineEvent)
            self.drop_owned(HISTORY, Outcome)
        at = case.reported_at
        for step in history.steps:
            at = max(_noon(step.on), at + timedelta(seconds=1))
            data = {"from": step.from_status, "to": step.to_status, "on": step.on.isoformat(), "reason": step.reason}
            line = TimelineEvent(
                case_id=case.pk, at=at, actor_id=self.ctx.actor.pk, kind=TimelineKind.STATUS, summary_data=data
            )
            self.add(HISTORY, line)
        if history.result and history.located_on is not None:
            outcome = Outcome(
                case_id=case.pk,
                result=history.result,
                on=history.located_on,
                place_id=history.located_place.pk if history.located_place is not None else None,
                how=history.how_located,
                family_support_open=history.result == OutcomeResult.DECEASED and history.status != CaseStatus.CLOSED,
                recorded_by_id=self.ctx.actor.pk,
            )
            self.add(HISTORY, outcome)

    def facts(self, columns: set[str]) -> None:
        facts = None if self.new else TraffickingFacts.objects.filter(case=self.case).first()
        if facts is None:
            if all(self.row.values.get(c) is None for c in columns):
                return  # nothing known: no facts row, which reads as "not recorded"
            facts = TraffickingFacts(case_id=self.case.pk, updated_by_id=self.ctx.actor.pk)
            self.set_fields(facts, FACTS_FIELDS, columns)
            self.add("facts", facts)
            return
        self.set_fields(facts, FACTS_FIELDS, columns)
        facts.updated_by = self.ctx.actor
        facts.save()

    def route(self, column: str) -> None:
        """The stops of the route in a column (the column's stops written by the import are replaced)."""
        self.drop_owned(column, TraffickingEvent)
        for place in self.row.values.get(column) or []:
            event = TraffickingEvent(
                case_id=self.case.pk,
                event_type=ROUTE_COLUMNS[column],
                place_id=place.pk,
                recorded_by_id=self.ctx.actor.pk,
            )
            self.add(column, event)

    def proceeding(self) -> None:
        owned = self.owned_ids(LEGAL, Proceeding)
        for proceeding in Proceeding.objects.filter(pk__in=owned) if owned else []:
            worked = (
                proceeding.hearings.exists()
                or proceeding.measures.exists()
                or proceeding.reparations.exists()
                or proceeding.accused.count() > 1
            )
            if worked:
                value = self.row.cells.get("complaint_filed_on", "")
                raise RowRejected([Problem(self.row.line, "complaint_filed_on", value, _WORKED)])
        self.drop_owned(LEGAL, Proceeding)  # its status changes and accused go with it
        v = self.row.values
        complaint: date | None = v.get("complaint_filed_on")
        conviction: date | None = v.get("conviction_on")
        started: date | None = v.get("legal_representation_from")
        until: date | None = v.get("legal_representation_until")
        sentenced_on: date | None = v.get("sentence_on") or conviction
        end: str = v.get("legal_representation_end") or (ProceedingStatus.SENTENCED if sentenced_on else "")
        ended_on = (sentenced_on or until) if end == ProceedingStatus.SENTENCED else until
        opened_on = min((d for d in (started, complaint) if d is not None), default=None)
        if opened_on is None and ended_on is None and not v.get("investigation_file"):
            return
        actor = self.ctx.actor
        proceeding = Proceeding(
            case_id=self.case.pk,
            complaint_filed_on=complaint,
            authority=Authority.UNKNOWN,
            investigation_file=v.get("investigation_file") or "",
            status=end if ended_on else ProceedingStatus.INVESTIGATION,
            status_changed_on=ended_on or opened_on or timezone.localdate(),
            decline_reason=DeclineReason.UNKNOWN if end == ProceedingStatus.DECLINED else "",
            created_by_id=actor.pk,
        )
        self.add(LEGAL, proceeding)
        # The proceeding's status history, as legal.services writes it: opened (the complaint, or the day the
        # representation began if earlier), then the sentence or the decline that ended the representation.
        changes: list[tuple[str, str, date]] = []
        if opened_on is not None:
            changes.append(("", ProceedingStatus.INVESTIGATION, opened_on))
        if ended_on is not None:
            changes.append((ProceedingStatus.INVESTIGATION if opened_on else "", end, ended_on))
        if conviction:
            self.add("", Accused(proceeding=proceeding, outcome=AccusedOutcome.CONVICTED, outcome_on=conviction))
        for before, after, on in changes:
            reason = DeclineReason.UNKNOWN if after == ProceedingStatus.DECLINED else ""
            change = StatusChange(
                proceeding=proceeding, from_status=before, to_status=after, changed_on=on, reason=reason, actor=actor
            )
            self.add("", change)

    def consent(self, column: str) -> None:
        """A consent decision from the file, recorded only when it differs from the current one (records are
        history: never changed, never deleted)."""
        decision = ANSWER_TO_DECISION.get(self.row.values.get(column) or "")
        if decision is None:
            return  # not known: nothing is recorded
        purpose = CONSENT_COLUMNS[column]
        current = None if self.new else current_decision(self.case, purpose)
        if current is not None and current.decision == decision:
            return
        record = ConsentRecord(  # the current decision follows the import's announcement (redalert.consent.followers)
            case_id=self.case.pk,
            purpose=purpose,
            decision=decision,
            given_by_name="",
            given_by_relationship=Relationship.UNKNOWN,
            method=ConsentMethod.SIGNED_FORM,
            decided_on=timezone.localtime(self.case.reported_at).date(),
            notes=self.note[:500],
            recorded_by_id=self.ctx.actor.pk,
        )
        self.add("", record)  # inserted (never changed) with the row's other child rows, before the announcement
        line = TimelineEvent(
            case_id=self.case.pk,
            actor_id=self.ctx.actor.pk,
            kind=TimelineKind.CONSENT,
            summary_data={"purpose": purpose, "decision": decision},
        )
        self.add("", line)

    def services(self) -> None:
        self.drop_owned(SERVICES, Service)
        located_on = self.case.located_on
        for s in self.row.services:
            service = Service(
                case_id=self.case.pk,
                service_type=s.service_type,
                recipient=s.recipient,
                family_relationship=Relationship.UNKNOWN if s.recipient == Recipient.FAMILY else "",
                phase=Phase.BEFORE_RESCUE if located_on is None or s.given_on < located_on else Phase.AFTER_RESCUE,
                given_on=s.given_on,
                provider=ProviderKind.UNKNOWN,
                cost=s.cost,
                currency=s.currency,
                recorded_by_id=self.ctx.actor.pk,
            )
            self.add(SERVICES, service)

    def expenses(self) -> None:
        self.drop_owned(EXPENSES, Expense)
        for e in self.row.expenses:
            expense = Expense(
                case_id=self.case.pk,
                category=e.category,
                spent_on=e.spent_on,
                amount=e.amount,
                currency=e.currency,
                description=self.note[:300],
                recorded_by_id=self.ctx.actor.pk,
            )
            self.add(EXPENSES, expense)

    def children(self, groups: set[str], *, report_line: bool) -> None:
        """Queue the child rows of every group whose columns are in `groups` (and the report line if asked)."""
        if report_line:
            self.report_line()
        if self.row.history is not None and HISTORY in groups:
            self.history_rows(self.row.history)
        for column in sorted(groups & CONSENT_COLUMNS.keys()):
            self.consent(column)
        facts_columns = groups & FACTS_FIELDS.keys()
        if facts_columns:
            self.facts(facts_columns)
        for column in sorted(groups & ROUTE_COLUMNS.keys()):
            self.route(column)
        if LEGAL in groups:
            self.proceeding()
        if SERVICES in groups:
            self.services()
        if EXPENSES in groups:
            self.expenses()


_STATUS_CHANGED = "status_changed_in_system"
_WORKED = "proceeding_worked_in_system"


def save_row(
    ctx: WriteContext, row: ParsedRow, imported: ImportedCase | None, prints: dict[str, str] | None = None
) -> str:
    """Create or update the case of a checked row; CREATED, UPDATED or UNCHANGED. One transaction (a savepoint
    inside the caller's): RowRejected leaves nothing of the row behind. `prints`: the row's fingerprints, if the
    caller has them already."""
    if imported is not None:
        prints = fingerprints(row) if prints is None else prints
        if not changed_groups(imported, prints):
            return UNCHANGED  # nothing to write: no savepoint either
    with transaction.atomic():
        if imported is None:
            create_rows(ctx, [row])
            return CREATED
        assert prints is not None
        return _update(ctx, row, imported, prints)


def changed_groups(imported: ImportedCase, prints: dict[str, str]) -> set[str]:
    """The columns (or groups of columns) whose value in the file changed since the reference was imported."""
    return {group for group, value in prints.items() if imported.fingerprints.get(group) != value}


def _new_cases(ctx: WriteContext, rows: list[ParsedRow]) -> list[Case]:
    """The cases of new rows, numbered as intake numbers them (by the year of the report, in the order of the
    rows), not yet saved; one lock of each year's counter."""
    years = [timezone.localtime(row.values["reported_on"]).year for row in rows]
    numbers = {year: iter(next_references(ctx.organisation, year, years.count(year))) for year in sorted(set(years))}
    return [
        Case(
            organisation=ctx.organisation,
            reference=next(numbers[year]),
            created_by=ctx.actor,
            status_changed_at=row.values["reported_on"],
        )
        for row, year in zip(rows, years, strict=True)
    ]


def create_rows(ctx: WriteContext, rows: list[ParsedRow]) -> None:
    """Create the cases of checked rows whose references were never imported, their child rows inserted together
    (a bulk insert per table for all the rows); each case gets its audit entry. Call inside a transaction."""
    actor = ctx.actor
    pending = Pending()
    writers: list[_Writer] = []
    cases: list[Case] = []
    for row, case in zip(rows, _new_cases(ctx, rows), strict=True):
        writer = _Writer(ctx, row, case, None, pending, new=True)
        writer.set_fields(case, CASE_FIELDS, set(row.present))
        if row.history is not None:
            writer.set_history(row.history)
        cases.append(case)
        writers.append(writer)
    insert(Case, cases, ids=True)
    people = []
    for writer in writers:
        person = MissingPerson(case=writer.case)
        writer.set_fields(person, PERSON_FIELDS, set(writer.row.present))
        person.derive()  # the search name and the age at disappearance, as its save() derives them
        people.append(person)
    insert(MissingPerson, people, ids=False)
    if actor.works_on_cases:
        memberships = [TeamMembership(case_id=c.pk, user_id=actor.pk, added_by_id=actor.pk) for c in cases]
        insert(TeamMembership, memberships, ids=False)
    imported = [
        ImportedCase(
            organisation=ctx.organisation,
            source_reference=writer.row.reference,
            case=writer.case,
            first_job=ctx.job,
            last_job=ctx.job,
            line=writer.row.line,
            fingerprints=fingerprints(writer.row),
        )
        for writer in writers
    ]
    insert(ImportedCase, imported, ids=True)
    for writer, mapping in zip(writers, imported, strict=True):
        writer.imported = mapping
        writer.children(set(mapping.fingerprints), report_line=True)
    pending.flush()
    insert(ImportedObject, [mark for writer in writers for mark in writer.marks()], ids=False)
    job_id = ctx.job.pk if ctx.job else None
    audit_record_many(
        actor,
        AuditAction.CREATE,
        (
            AuditItem(
                obj=w.case, case=w.case, detail={"import": job_id, "line": w.row.line, "reference": w.case.reference}
            )
            for w in writers
        ),
    )
    announce_many([writer.case.pk for writer in writers], Kind.IMPORTED, actor=actor)


def _update(ctx: WriteContext, row: ParsedRow, imported: ImportedCase, prints: dict[str, str]) -> str:
    changed = changed_groups(imported, prints)
    if not changed:
        return UNCHANGED
    case = Case.objects.select_for_update(of=("self",)).select_related("person").get(pk=imported.case_id)
    person = case.person
    before_case, before_person = copy.copy(case), copy.copy(person)
    pending = Pending()
    writer = _Writer(ctx, row, case, imported, pending, new=False)
    if changed & (CASE_FIELDS.keys() | {HISTORY}):
        writer.set_fields(case, CASE_FIELDS, changed)
        if row.history is not None and HISTORY in changed:
            writer.set_history(row.history)
        case.save()
    if changed & (PERSON_FIELDS.keys() | {"last_seen_on"}):
        writer.set_fields(person, PERSON_FIELDS, changed)
        person.save()  # also derives the age at disappearance from a changed date last seen
    writer.children(changed, report_line=bool(changed & {"reported_on", "report_channel"}))
    pending.flush()
    ImportedObject.objects.bulk_create(writer.marks())
    announce(case.pk, Kind.IMPORTED, actor=ctx.actor)  # current consent, public listing, maps, match keys follow
    imported.fingerprints = {**imported.fingerprints, **prints}
    imported.last_job = ctx.job
    imported.line = row.line
    imported.save(update_fields=["fingerprints", "last_job", "line", "updated_at"])
    changes = {
        **{f"case.{k}": v for k, v in diff(before_case, case, [f for f, _d in CASE_FIELDS.values()]).items()},
        **{
            f"missingperson.{k}": v
            for k, v in diff(before_person, person, [f for f, _d in PERSON_FIELDS.values()]).items()
        },
    }
    if changes:
        TimelineEvent.objects.create(
            case=case, actor=ctx.actor, kind=TimelineKind.CHANGE, summary_data={"fields": sorted(changes)}
        )
    audit_record(
        ctx.actor,
        AuditAction.CHANGE,
        case,
        case=case,
        detail={
            "import": ctx.job.pk if ctx.job else None,
            "line": row.line,
            "columns": sorted(changed),
            "changes": changes,
        },
    )
    return UPDATED
