"""Checking one row of an import file: every cell read, every rule between cells applied, every problem reported
with its line, column, value and reason. Nothing here writes to the database.

The status history a row implies is worked out here too (`History`): reported → verification → active search →
located → follow-up → closed, with the dates of the file (never today), following the moves of
redalert.cases.lifecycle.TRANSITIONS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from redalert.accounts.models import Organisation
from redalert.care.choices import ExpenseCategory, Recipient, ServiceType
from redalert.cases.choices import CaseStatus, Gender, ReportChannel, Sex
from redalert.cases.models import Case, age_in_years
from redalert.consent.choices import Decision
from redalert.imports.columns import BY_NAME, REPEATED, Column, Repeated, column_for
from redalert.imports.problems import Problem
from redalert.imports.values import (
    YES_NO_UNKNOWN,
    CellError,
    ChoiceMap,
    PlaceResolver,
    bounded_text,
    key,
    parse_age,
    parse_amount,
    parse_countries,
    parse_currency,
    parse_date,
    parse_report_moment,
    text,
)
from redalert.investigation.choices import NOT_KNOWN, HowLocated, OutcomeResult, TraffickingStatus, TypeOfExploitation
from redalert.legal.choices import ProceedingStatus
from redalert.places.models import Place

S = CaseStatus
LOCATED = (S.LOCATED_ALIVE, S.LOCATED_DECEASED)
UNKNOWN = "unknown"

REPORT_CHANNEL = ChoiceMap(ReportChannel)
SEX = ChoiceMap(
    Sex,
    extra={"f": "female", "m": "male", "femenino": "female", "masculino": "male", "feminino": "female"},
)
GENDER = ChoiceMap(Gender, extra={"unknown": Gender.UNKNOWN, "not known": Gender.UNKNOWN, "no se sabe": Gender.UNKNOWN})
STATUS = ChoiceMap(
    CaseStatus,
    extra={
        "not_located": S.ACTIVE_SEARCH,
        "no localizada": S.ACTIVE_SEARCH,
        "no localizado": S.ACTIVE_SEARCH,
        "não localizada": S.ACTIVE_SEARCH,
        "Active": S.ACTIVE_SEARCH,
        "FollowUp": S.FOLLOW_UP,
        "ClosedReferred": S.CLOSED,
    },
)
OUTCOME = ChoiceMap(
    OutcomeResult,
    extra={"alive": OutcomeResult.ALIVE, "deceased": OutcomeResult.DECEASED, "con vida": OutcomeResult.ALIVE}
    | {"sin vida": OutcomeResult.DECEASED, "com vida": OutcomeResult.ALIVE, "sem vida": OutcomeResult.DECEASED},
)
HOW_LOCATED = ChoiceMap(HowLocated)
TRAFFICKING_STATUS = ChoiceMap(TraffickingStatus, extra={"not known": UNKNOWN, "no se sabe": UNKNOWN})
EXPLOITATION = ChoiceMap(TypeOfExploitation)
CONSENT = ChoiceMap(
    Decision,
    exclude=[Decision.WITHDRAWN],
    extra={"yes": Decision.GRANTED, "si": Decision.GRANTED, "no": Decision.REFUSED, UNKNOWN: UNKNOWN}
    | {"not known": UNKNOWN, "no se sabe": UNKNOWN, "otorgada": Decision.GRANTED, "negada": Decision.REFUSED},
)
# How a legal representation ended: the proceeding's statuses that end it (redalert.statistics.periods).
PROCEEDING_END = ChoiceMap(
    ProceedingStatus,
    exclude=[ProceedingStatus.INVESTIGATION, ProceedingStatus.CHARGED, ProceedingStatus.TRIAL, ProceedingStatus.APPEAL],
    extra={"sentence": ProceedingStatus.SENTENCED, "sentencia": ProceedingStatus.SENTENCED},
)
SERVICE_TYPE = ChoiceMap(ServiceType)
RECIPIENT = ChoiceMap(Recipient, extra={"victim": Recipient.VICTIM, "family": Recipient.FAMILY})
EXPENSE_CATEGORY = ChoiceMap(ExpenseCategory)

# How each kind of cell is read. An empty cell never reaches these: it is "not known" (None).
Parser = Callable[[Any], Any]


def _parsers(resolver: PlaceResolver) -> dict[str, Parser]:
    return {
        "organisation": bounded_text(200),
        "case_reference": bounded_text(100),
        "reported_on": parse_report_moment,
        "report_channel": REPORT_CHANNEL.parse,
        "given_names": bounded_text(150),
        "first_surname": bounded_text(100),
        "second_surname": bounded_text(100),
        "sex": SEX.parse,
        "gender": GENDER.parse,
        "birth_date": parse_date,
        "age_at_disappearance": parse_age,
        "nationalities": parse_countries,
        "ethnicity": bounded_text(100),
        "indigenous": YES_NO_UNKNOWN.parse,
        "indigenous_people": bounded_text(100),
        "last_seen_on": parse_date,
        "last_seen_place": resolver.parse,
        "status": STATUS.parse,
        "status_on": parse_date,
        "located_on": parse_date,
        "located_place": resolver.parse,
        "outcome": OUTCOME.parse,
        "how_located": HOW_LOCATED.parse,
        "closed_on": parse_date,
        "closure_reason": bounded_text(300),
        "trafficking_status": TRAFFICKING_STATUS.parse,
        "type_of_exploitation": lambda raw: EXPLOITATION.parse_list(raw, not_known=NOT_KNOWN),
        "organised_crime": YES_NO_UNKNOWN.parse,
        "recruitment_places": resolver.parse_list,
        "transit_places": resolver.parse_list,
        "exploitation_places": resolver.parse_list,
        "legal_representation": YES_NO_UNKNOWN.parse,
        "legal_representation_from": parse_date,
        "legal_representation_until": parse_date,
        "legal_representation_end": PROCEEDING_END.parse,
        "complaint_filed_on": parse_date,
        "investigation_file": bounded_text(100),
        "sentence_on": parse_date,
        "conviction_on": parse_date,
        "consent_statistics": CONSENT.parse,
        "service.type": SERVICE_TYPE.parse,
        "service.on": parse_date,
        "service.cost": parse_amount,
        "service.currency": parse_currency,
        "service.recipient": RECIPIENT.parse,
        "expense.category": EXPENSE_CATEGORY.parse,
        "expense.on": parse_date,
        "expense.amount": parse_amount,
        "expense.currency": parse_currency,
    }


@dataclass(frozen=True)
class Step:
    """One status change of the history: from, to, on which day, why."""

    from_status: str
    to_status: str
    on: date
    reason: str = ""


@dataclass(frozen=True)
class History:
    status: str
    steps: tuple[Step, ...]
    located_on: date | None
    closed_on: date | None
    closure_reason: str
    result: str  # OutcomeResult, "" when she was not located
    located_place: Place | None
    how_located: str


@dataclass(frozen=True)
class ServiceData:
    number: int
    service_type: str
    given_on: date
    cost: Decimal | None
    currency: str
    recipient: str


@dataclass(frozen=True)
class ExpenseData:
    number: int
    category: str
    spent_on: date
    amount: Decimal
    currency: str


@dataclass
class ParsedRow:
    """A row read and checked. `values` holds a value per column of the header (None: empty, i.e. not known)."""

    line: int
    cells: dict[str, str]
    values: dict[str, Any]
    present: frozenset[str]
    repeated: frozenset[str] = frozenset()  # the numbered groups the header has: "service", "expense"
    problems: list[Problem] = field(default_factory=list)
    history: History | None = None
    services: list[ServiceData] = field(default_factory=list)
    expenses: list[ExpenseData] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def reference(self) -> str:
        return str(self.values.get("case_reference") or "")

    def has(self, name: str) -> bool:
        return self.values.get(name) is not None

    def problem(self, column: str, code: str, /, **params: Any) -> None:
        self.problems.append(Problem(self.line, column, self.cells.get(column, ""), code, params))


class Header:
    """What each position of the header row holds: a column, a numbered column, or nothing (left out with #)."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.columns: list[Column | Repeated | None] = []
        self.problems: list[Problem] = []
        seen: set[str] = set()
        for name in names:
            if not name or name.startswith("#"):
                self.columns.append(None)
                continue
            column = column_for(name)
            if column is None:
                self.problems.append(Problem(1, name, name, "unknown_column"))
            elif column.name in seen:
                self.problems.append(Problem(1, name, name, "duplicate_column"))
                column = None
            else:
                seen.add(column.name)
            self.columns.append(column)
        self.present = frozenset(c.name for c in self.columns if isinstance(c, Column))
        for column_def in BY_NAME.values():
            if column_def.required and column_def.name not in seen:
                self.problems.append(Problem(1, column_def.name, "", "missing_column"))
        self.numbers = {
            kind: sorted({c.number for c in self.columns if isinstance(c, Repeated) and c.kind == kind})
            for kind in REPEATED
        }
        self.reference_index = next(
            (i for i, c in enumerate(self.columns) if isinstance(c, Column) and c.name == "case_reference"), None
        )


def organisation_countries(organisation: Organisation) -> set[str]:
    """The countries an organisation works in: its own and those where its cases disappeared."""
    countries = set(
        Case.objects.filter(organisation=organisation, last_seen_place__isnull=False)
        .order_by()
        .values_list("last_seen_place__country_code", flat=True)
        .distinct()
    )
    return {c for c in countries | {organisation.country} if c}


def _date(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date()
    return value


_UNREAD = object()
_MEMO_SIZE = 200_000
_UNIQUE_COLUMNS = frozenset({"case_reference"})  # one value per row: nothing to gain from remembering it


class RowChecker:
    """Reads and checks rows for one organisation; remembers the places it resolved."""

    def __init__(self, organisation: Organisation, header: Header, resolver: PlaceResolver | None = None) -> None:
        self.organisation = organisation
        self.header = header
        self.resolver = resolver or PlaceResolver(organisation_countries(organisation))
        self.parsers = _parsers(self.resolver)
        # What each parser made of a cell already read: most columns repeat few values (dates, codes, places), so a
        # value is read once per import, and equal cells share one value object (less memory for kept rows).
        self._memo: dict[tuple[str, type, Any], Any] = {}

    def check(self, line: int, raw_cells: list[Any]) -> ParsedRow:
        cells: dict[str, str] = {}
        raw: dict[str, Any] = {}
        row = ParsedRow(
            line=line,
            cells=cells,
            values={},
            present=self.header.present,
            repeated=frozenset(kind for kind, numbers in self.header.numbers.items() if numbers),
        )
        for index, raw_value in enumerate(raw_cells):
            column = self.header.columns[index] if index < len(self.header.columns) else None
            value_text = text(raw_value)
            if column is None:
                if index >= len(self.header.columns) and value_text:
                    cells[f"#{index + 1}"] = value_text
                    row.problem(f"#{index + 1}", "extra_cell")
                continue
            cells[column.name] = value_text
            raw[column.name] = raw_value
        for name in self.header.present:
            row.values[name] = self._read(row, name, BY_NAME[name].name, raw.get(name))
        self._check_required(row)
        self._check_organisation(row)
        self._check_dates(row)
        row.history = self._history(row)
        row.services = self._services(row, raw)
        row.expenses = self._expenses(row, raw)
        self._check_legal(row)
        return row

    def _read(self, row: ParsedRow, column: str, parser_name: str, raw_value: Any) -> Any:
        if raw_value is None or text(raw_value) == "":
            return None
        memo_key = (parser_name, type(raw_value), raw_value)
        result = self._memo.get(memo_key, _UNREAD)
        if result is _UNREAD:
            try:
                result = self.parsers[parser_name](raw_value)
            except CellError as error:
                result = error
            if parser_name not in _UNIQUE_COLUMNS:
                if len(self._memo) >= _MEMO_SIZE:
                    self._memo.clear()
                self._memo[memo_key] = result
        if isinstance(result, CellError):
            row.problem(column, result.code, **result.params)
            return None
        return list(result) if isinstance(result, list) else result  # a row's own list, never one shared

    def _failed(self, row: ParsedRow, *columns: str) -> bool:
        """Whether a cell of these columns could not be read (its problem is already reported)."""
        return any(p.column in columns for p in row.problems)

    def _check_required(self, row: ParsedRow) -> None:
        for name in self.header.present:
            if BY_NAME[name].required and row.values.get(name) is None and not self._failed(row, name):
                row.problem(name, "required")

    def _check_organisation(self, row: ParsedRow) -> None:
        given = row.values.get("organisation")
        org = self.organisation
        if given and key(given) not in (key(org.code), key(org.name)):
            row.problem("organisation", "other_organisation", code=org.code)

    def _check_dates(self, row: ParsedRow) -> None:
        v = row.values
        reported, last_seen = _date(v.get("reported_on")), v.get("last_seen_on")
        if reported and last_seen and reported < last_seen:
            row.problem("reported_on", "before_date", other="last_seen_on", date=last_seen.isoformat())
        birth = v.get("birth_date")
        if birth and last_seen and birth > last_seen:
            row.problem("birth_date", "after_date", other="last_seen_on", date=last_seen.isoformat())
        age = v.get("age_at_disappearance")
        if birth and last_seen and age is not None and birth <= last_seen:
            actual = age_in_years(birth, last_seen)
            if abs(actual - age) > 1:
                row.problem("age_at_disappearance", "age_mismatch", age=actual)

    def _history(self, row: ParsedRow) -> History | None:
        v = row.values
        status = v.get("status")
        reported, last_seen = _date(v.get("reported_on")), v.get("last_seen_on")
        if status is None or reported is None or last_seen is None:
            return None
        problems_before = len(row.problems)
        status_on: date | None = v.get("status_on")
        located_on: date | None = v.get("located_on")
        closed_on: date | None = v.get("closed_on")
        result: str = v.get("outcome") or ""
        was_located = (
            status in LOCATED
            or status == S.FOLLOW_UP
            or (status == S.CLOSED and any(v.get(c) is not None for c in ("located_on", "located_place", "outcome")))
        )

        def labels(*statuses: str) -> str:
            return ", ".join(str(s) for s in statuses)

        if not was_located:
            for column in ("located_on", "located_place", "outcome", "how_located"):
                if v.get(column) is not None:
                    allowed = labels(S.LOCATED_ALIVE, S.LOCATED_DECEASED, S.FOLLOW_UP, S.CLOSED)
                    row.problem(column, "not_for_status", statuses=allowed)
        if status != S.CLOSED:
            for column in ("closed_on", "closure_reason"):
                if v.get(column) is not None:
                    row.problem(column, "not_for_status", statuses=labels(S.CLOSED))

        def agree(column: str, given: date | None) -> date | None:
            """The date of a status from its own column or from status_on, which must then agree."""
            if given is not None and status_on is not None and given != status_on:
                row.problem("status_on", "conflicts_with", other=column, value=given.isoformat())
            return given or status_on

        def not_before(column: str, day: date | None, other: str, other_day: date | None) -> None:
            if day is not None and other_day is not None and day < other_day:
                row.problem(column, "before_date", other=other, date=other_day.isoformat())

        if status == S.REPORTED:
            if status_on is not None and status_on != reported:
                row.problem("status_on", "conflicts_with", other="reported_on", value=reported.isoformat())
            steps: list[Step] = []
        elif status == S.VERIFICATION:
            not_before("status_on", status_on, "reported_on", reported)
            steps = [Step(S.REPORTED, S.VERIFICATION, status_on or reported)]
        else:
            search_from = status_on if status == S.ACTIVE_SEARCH and status_on else reported
            not_before("status_on", search_from, "reported_on", reported)
            steps = [Step(S.REPORTED, S.VERIFICATION, reported), Step(S.VERIFICATION, S.ACTIVE_SEARCH, search_from)]
            previous = str(S.ACTIVE_SEARCH)
            if was_located:
                if status in LOCATED:
                    if result and result != status:
                        row.problem("outcome", "conflicts_with", other="status", value=str(status))
                    result = str(status)
                    located_on = agree("located_on", located_on)
                elif not result and not self._failed(row, "outcome"):
                    row.problem("outcome", "outcome_needed")
                if located_on is None and not self._failed(row, "located_on", "status_on"):
                    row.problem("located_on", "located_date_needed")
                column = "located_on" if v.get("located_on") else "status_on"
                not_before(column, located_on, "last_seen_on", last_seen)
                not_before(column, located_on, "reported_on", reported)
                if located_on is not None and result:
                    steps.append(Step(previous, result, located_on))
                    previous = result
                if status == S.FOLLOW_UP and located_on is not None and result:
                    follow_up_on = status_on or located_on
                    not_before("status_on", follow_up_on, "located_on", located_on)
                    steps.append(Step(previous, S.FOLLOW_UP, follow_up_on))
                    previous = str(S.FOLLOW_UP)
            if status == S.CLOSED:
                closed_on = agree("closed_on", closed_on)
                if closed_on is None and not self._failed(row, "closed_on", "status_on"):
                    # Never a made-up closing date: a located case whose closing date is not known is imported as
                    # located (its search ended on located_on) and closed in the system when the date is known.
                    row.problem("closed_on", "closed_date_needed_located" if was_located else "closed_date_needed")
                column = "closed_on" if v.get("closed_on") else "status_on"
                if was_located:
                    not_before(column, closed_on, "located_on", located_on)
                else:
                    not_before(column, closed_on, "reported_on", reported)
                if closed_on is not None:
                    steps.append(Step(previous, S.CLOSED, closed_on, v.get("closure_reason") or ""))
        if len(row.problems) > problems_before or self._failed(row, "status_on", "located_on", "closed_on"):
            return None
        return History(
            status=str(status),
            steps=tuple(steps),
            located_on=located_on if was_located else None,
            closed_on=closed_on if status == S.CLOSED else None,
            closure_reason=(v.get("closure_reason") or "") if status == S.CLOSED else "",
            result=result if was_located else "",
            located_place=v.get("located_place"),
            how_located=v.get("how_located") or HowLocated.UNKNOWN,
        )

    def _repeated(self, row: ParsedRow, raw: dict[str, Any], kind: str) -> dict[int, dict[str, Any]]:
        """The numbered groups of a kind that have at least one cell filled: {number: {field: value}}."""
        groups: dict[int, dict[str, Any]] = {}
        for column in self.header.columns:
            if not isinstance(column, Repeated) or column.kind != kind:
                continue
            raw_value = raw.get(column.name)
            if text(raw_value) == "":
                continue
            value = self._read(row, column.name, f"{kind}.{column.field}", raw_value)
            groups.setdefault(column.number, {})[column.field] = value
        return groups

    def _services(self, row: ParsedRow, raw: dict[str, Any]) -> list[ServiceData]:
        services = []
        for number, given in sorted(self._repeated(row, raw, "service").items()):
            name = f"service_{number}_"
            if given.get("type") is None and not self._failed(row, name + "type"):
                row.problem(name + "type", "service_type_needed")
            if given.get("type") == ServiceType.IMMIGRATION_RELIEF:
                row.problem(name + "type", "immigration_not_importable")
            if given.get("on") is None and not self._failed(row, name + "on"):
                row.problem(name + "on", "service_date_needed")
            cost, currency = given.get("cost"), given.get("currency")
            if cost is not None and currency is None and not self._failed(row, name + "currency"):
                row.problem(name + "currency", "cost_without_currency")
            if cost is None and currency is not None and not self._failed(row, name + "cost"):
                row.problem(name + "cost", "currency_without_cost")
            if given.get("type") and given.get("on") and (cost is None) == (currency is None):
                services.append(
                    ServiceData(
                        number=number,
                        service_type=given["type"],
                        given_on=given["on"],
                        cost=cost,
                        currency=currency or "",
                        recipient=given.get("recipient") or Recipient.VICTIM,
                    )
                )
        return services

    def _expenses(self, row: ParsedRow, raw: dict[str, Any]) -> list[ExpenseData]:
        expenses = []
        for number, given in sorted(self._repeated(row, raw, "expense").items()):
            name = f"expense_{number}_"
            needed = (
                ("category", "expense_category_needed"),
                ("on", "expense_date_needed"),
                ("amount", "expense_amount_needed"),
                ("currency", "cost_without_currency"),
            )
            for field_name, code in needed:
                if given.get(field_name) is None and not self._failed(row, name + field_name):
                    row.problem(name + field_name, code)
            if all(given.get(f) is not None for f, _code in needed):
                expenses.append(ExpenseData(number, given["category"], given["on"], given["amount"], given["currency"]))
        return expenses

    def _check_legal(self, row: ParsedRow) -> None:
        """The proceeding a row describes must hold together: it starts before it ends, a sentence is its end, a
        conviction is on the day of the sentence, a representation the family refused was not given."""
        v = row.values
        complaint, conviction = v.get("complaint_filed_on"), v.get("conviction_on")
        sentence, until, end = (
            v.get("sentence_on"),
            v.get("legal_representation_until"),
            v.get("legal_representation_end"),
        )
        started = v.get("legal_representation_from")
        if complaint and conviction and conviction < complaint:
            row.problem("conviction_on", "before_date", other="complaint_filed_on", date=complaint.isoformat())
        if sentence and complaint and sentence < complaint:
            row.problem("sentence_on", "before_date", other="complaint_filed_on", date=complaint.isoformat())
        if sentence and conviction and sentence != conviction:
            row.problem("conviction_on", "conflicts_with", other="sentence_on", value=sentence.isoformat())
        sentenced_on = sentence or conviction
        if end == ProceedingStatus.DECLINED and sentenced_on:
            row.problem(
                "legal_representation_end", "conflicts_with", other="sentence_on", value=sentenced_on.isoformat()
            )
        if until and sentenced_on and end != ProceedingStatus.DECLINED and until != sentenced_on:
            other = "sentence_on" if sentence else "conviction_on"
            row.problem("legal_representation_until", "conflicts_with", other=other, value=sentenced_on.isoformat())
        if until and not end and not sentenced_on and not self._failed(row, "legal_representation_end"):
            row.problem("legal_representation_end", "legal_end_needed")
        if end == ProceedingStatus.DECLINED and not until and not self._failed(row, "legal_representation_until"):
            row.problem("legal_representation_until", "legal_end_date_needed")
        if end == ProceedingStatus.SENTENCED and not (until or sentenced_on):
            row.problem("legal_representation_until", "legal_end_date_needed")
        if started and until and until < started:
            row.problem(
                "legal_representation_until", "before_date", other="legal_representation_from", date=started.isoformat()
            )
        if until and complaint and until < complaint:
            row.problem(
                "legal_representation_until", "before_date", other="complaint_filed_on", date=complaint.isoformat()
            )
        if (started or until) and v.get("legal_representation") == "no":
            column = "legal_representation_from" if started else "legal_representation_until"
            row.problem(column, "representation_refused")
