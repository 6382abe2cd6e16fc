"""Regional comparable indicators: per country and year, in the shape of the coalition's regional report (seed 004).

Every definition lives here, once; the page, the CSV, the XLSX and the PDF are rendered from the Report this module
builds (redalert.statistics.tables). In one sentence each:

- What counts: the cases of coalition-member organisations whose current consent to "use in statistics" is
  granted (redalert.statistics.scope.coalition_scope), and the prevention activities of coalition-member
  organisations (activities are not about a person: no consent applies).
- Country: the country of the organisation that holds the case or ran the activity (Organisation.country). Every
  record has one, and "no data" is a statement about which organisations record a figure.
- Victim: a case whose trafficking status (investigation, TraffickingFacts) is "actual victim of trafficking".
  Possible victims, cases not assessed and cases assessed as not victims are not counted anywhere here.
- Victim identified in Y: a victim whose date located (Case.located_on) is in Y, found alive or deceased.
- Minor: under 18 on the day she was located (date of birth; else the estimated age when last seen plus the whole
  years between that day and the day located).
- Within her country of nationality: the country of the place where she was located (Outcome.place) is one of her
  nationalities (MissingPerson.nationalities); outside: both are known and it is not; otherwise not recorded.
- Forms of exploitation: of the victims identified in Y, from TraffickingFacts.exploitation_types, grouped as
  EXPLOITATION_GROUPS; a victim may count under several forms.
- People assisted, per type: victims who received in Y at least one service of that type (redalert.care Service
  given to the victim, grouped as ASSISTANCE_TYPES); accommodation also counts shelter stays of the victim that
  overlap Y; legal assistance also counts proceedings with a lawyer of the organisation under way in Y.
- Prosecution, in victims' cases (redalert.legal): open proceedings = under way at some time in Y
  (investigation, charged, trial or appeal); acquittals = accused persons acquitted with the date of the outcome in
  Y; convictions = proceedings with at least one person convicted in Y; persons sentenced = accused persons
  convicted in Y. An outcome without a date is counted as "no data" beside the figure.
- Repatriations: victims who received a service of type "repatriation" (redalert.care) in Y.
- Prevention: activities held in Y (first day) and people reached, direct and indirect (redalert.prevention).

The "no data" rule (`no_data_rule`): a country's figure is "no data", with a footnote, unless one of its
coalition-member organisations has recorded that kind of record, among the records that count, on or before
31 December of the year (the `*_recorded` and `recording` sets of RegionalData say which records show that a
figure is recorded; docs/regional-indicators.md lists them). A figure about victims also needs the trafficking
status recorded: the prosecution figures need a proceeding (or an accused's outcome) AND a case whose trafficking
status was assessed (`identification_recorded`). When it has, the figure
is a number, and 0 is a real zero: the country records it and there was none in the year. A country with a
coalition-member organisation is always listed, so a country without data is never silently missing. The
coalition total adds up the countries with data, and its footnote names those left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, cast

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from redalert.accounts.models import Organisation
from redalert.care.choices import Recipient, ServiceType
from redalert.care.models import Service
from redalert.cases.choices import Sex
from redalert.cases.models import Case
from redalert.investigation.choices import TraffickingStatus, TypeOfExploitation
from redalert.investigation.models import TraffickingFacts
from redalert.legal.choices import AccusedOutcome
from redalert.legal.models import Accused, Proceeding, StatusChange
from redalert.lib.replica import reading_from_replica
from redalert.places.names import country_name
from redalert.prevention.choices import Reach
from redalert.prevention.models import Activity
from redalert.prevention.summary import GROUPS as PREVENTION_GROUPS
from redalert.prevention.summary import Figures, figures
from redalert.shelters.models import Stay
from redalert.statistics.figures.people import ADULT_AGE
from redalert.statistics.periods import Period, local_date, proceeding_periods
from redalert.statistics.scope import coalition_scope
from redalert.statistics.tables import Cell, Column, Report, Row, Table

VICTIM = TraffickingStatus.ACTUAL
TOTAL_ROW = "coalition"


# ---------------------------------------------------------------------------------------------------------------
# Mappings to the regional report's categories
# ---------------------------------------------------------------------------------------------------------------

# The regional report's types of assistance, from redalert.care service types. Social work and relocation have no
# regional counterpart; repatriation has its own table.
ASSISTANCE_TYPES: dict[str, tuple[str, ...]] = {
    "legal": (ServiceType.LEGAL_ADVICE, ServiceType.IMMIGRATION_RELIEF),
    "psychological": (ServiceType.PSYCHOLOGICAL,),
    "accommodation": (ServiceType.EMERGENCY_SHELTER, ServiceType.TRANSITIONAL_HOME),
    "humanitarian": (ServiceType.HUMANITARIAN_AID,),
    "education": (ServiceType.EDUCATION, ServiceType.VOCATIONAL_TRAINING, ServiceType.PRODUCTIVE_PROJECT),
    "family_reunification": (ServiceType.FAMILY_REUNIFICATION,),
    "health": (ServiceType.MEDICAL,),
}

# The regional report's forms of exploitation, from the HTCDS types (and the ones the Red Alert System adds).
EXPLOITATION_GROUPS: dict[str, tuple[str, ...]] = {
    "sexual": (TypeOfExploitation.SEXUAL,),
    "labour": (
        TypeOfExploitation.FORCED_LABOUR,
        TypeOfExploitation.CHILD_LABOUR,
        TypeOfExploitation.SERVITUDE,
        TypeOfExploitation.DOMESTIC_SERVITUDE,
        TypeOfExploitation.DEBT_BONDAGE,
    ),
    "marriage": (TypeOfExploitation.FORCED_MARRIAGE,),
    "adoption": (TypeOfExploitation.FORCED_ADOPTION,),
    "begging": (TypeOfExploitation.FORCED_BEGGING,),
    "criminal": (TypeOfExploitation.CRIMINAL_ACTIVITIES,),
    "other": (
        TypeOfExploitation.ORGAN_REMOVAL,
        TypeOfExploitation.SURROGACY,
        TypeOfExploitation.FORCED_MILITARY,
        TypeOfExploitation.ABDUCTION,
        TypeOfExploitation.OTHER,
    ),
}


def assistance_labels() -> dict[str, str]:
    return {
        "legal": _("Legal"),
        "psychological": _("Psychological"),
        "accommodation": _("Accommodation"),
        "humanitarian": _("Humanitarian"),
        "education": _("Education and vocational training"),
        "family_reunification": _("Family reunification"),
        "health": _("Health"),
    }


def exploitation_labels() -> dict[str, str]:
    return {
        "sexual": _("Sexual exploitation"),
        "labour": _("Forced labour and servitude"),
        "marriage": _("Forced marriage"),
        "adoption": _("Illegal adoption"),
        "begging": _("Forced begging"),
        "criminal": _("Forced criminal activities"),
        "other": _("Other forms"),
    }


# ---------------------------------------------------------------------------------------------------------------
# Plain rules
# ---------------------------------------------------------------------------------------------------------------


def no_data_rule(
    counts: Mapping[str, int], recording: Iterable[str], countries: Iterable[str]
) -> dict[str, int | None]:
    """Per country: None ("no data") unless the country records the figure; then its count, 0 when it had none."""
    recorded = set(recording)
    return {country: (counts.get(country, 0) if country in recorded else None) for country in countries}


def age_when_identified(
    birth_date: date | None, estimated_age: int | None, last_seen_on: date | None, located_on: date
) -> int | None:
    """Whole years on the day located: from the date of birth, else the estimate when last seen plus the years
    between that day and the day located; None when neither is known."""
    if birth_date is not None:
        before_birthday = (located_on.month, located_on.day) < (birth_date.month, birth_date.day)
        return located_on.year - birth_date.year - before_birthday
    if estimated_age is None:
        return None
    if last_seen_on is None or last_seen_on >= located_on:
        return estimated_age
    before_anniversary = (located_on.month, located_on.day) < (last_seen_on.month, last_seen_on.day)
    return estimated_age + located_on.year - last_seen_on.year - before_anniversary


def sex_age_group(sex: str, age: int | None) -> str:
    """women, girls, men, boys, or other (another sex, or sex or age not recorded)."""
    if age is None or sex not in (Sex.FEMALE, Sex.MALE):
        return "other"
    minor = age < ADULT_AGE
    if sex == Sex.FEMALE:
        return "girls" if minor else "women"
    return "boys" if minor else "men"


def nationality_split(nationalities: list[str] | None, located_country: str | None) -> str:
    """within, outside, or not_recorded (nationality or place located not known)."""
    known = [n for n in (nationalities or []) if isinstance(n, str) and n]
    if not known or not located_country:
        return "not_recorded"
    return "within" if located_country in known else "outside"


def exploitation_forms(types: list[str] | None) -> set[str]:
    """The regional forms of exploitation of a victim; {"not_recorded"} when none is recorded or it is not known."""
    forms = {group for group, members in EXPLOITATION_GROUPS.items() if set(types or []) & set(members)}
    return forms or {"not_recorded"}


# ---------------------------------------------------------------------------------------------------------------
# The data of one year
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Counts:
    """Per country: the ids (cases, proceedings, people …) behind a figure, and the countries that record it."""

    ids: dict[str, set[Any]] = field(default_factory=lambda: defaultdict(set))
    recording: set[str] = field(default_factory=set)
    no_data: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def counts(self) -> dict[str, int]:
        return {country: len(ids) for country, ids in self.ids.items()}


@dataclass(frozen=True)
class IdentifiedVictim:
    case_id: int
    country: str
    group: str  # sex_age_group
    nationality: str  # nationality_split
    forms: frozenset[str]


class RegionalData:
    """Everything the regional tables read for one year, loaded once, lazily."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.period = Period(year)
        self.scope = coalition_scope()
        self.cases: QuerySet[Case] = self.scope.cases()
        self.victims = self.cases.filter(trafficking_facts__trafficking_status=VICTIM)
        members = Organisation.objects.filter(pk__in=self.scope.organisation_ids)
        self.countries: list[str] = sorted(
            set(members.values_list("country", flat=True)), key=lambda code: country_name(code)
        )

    @property
    def last_day(self) -> date:
        return self.period.last_day

    def _reported_by_end(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        return cases.filter(reported_at__lt=self.period.end)

    def _countries(self, queryset: QuerySet[Any], path: str) -> set[str]:
        return set(queryset.order_by().values_list(path, flat=True).distinct())

    # Identification, nationality and exploitation ------------------------------------------------------------

    @cached_property
    def identified(self) -> list[IdentifiedVictim]:
        rows = (
            self.victims.filter(located_on__gte=self.period.first_day, located_on__lte=self.last_day)
            .order_by()
            .values_list(
                "id",
                "organisation__country",
                "person__sex",
                "person__birth_date",
                "person__estimated_age",
                "last_seen_on",
                "located_on",
                "person__nationalities",
                "outcome__place__country_code",
                "trafficking_facts__exploitation_types",
            )
        )
        victims = []
        for pk, country, sex, born, estimate, seen, located, nationalities, located_country, types in rows:
            age = age_when_identified(born, estimate, seen, located) if located else None
            victims.append(
                IdentifiedVictim(
                    pk,
                    country,
                    sex_age_group(sex or Sex.UNKNOWN, age),
                    nationality_split(nationalities, located_country),
                    frozenset(exploitation_forms(types)),
                )
            )
        return victims

    @cached_property
    def identification_recorded(self) -> set[str]:
        assessed = self._reported_by_end(self.cases).exclude(
            trafficking_facts__trafficking_status=TraffickingStatus.UNKNOWN
        )
        return self._countries(assessed.filter(trafficking_facts__isnull=False), "organisation__country")

    @cached_property
    def exploitation_recorded(self) -> set[str]:
        facts = TraffickingFacts.objects.filter(case__in=self._reported_by_end(self.cases)).values_list(
            "case__organisation__country", "exploitation_types"
        )
        return {country for country, types in facts.iterator() if types}

    # Assistance --------------------------------------------------------------------------------------------

    @cached_property
    def assistance(self) -> dict[str, Counts]:
        by_type = {key: Counts() for key in ASSISTANCE_TYPES}
        type_of = {service: key for key, services in ASSISTANCE_TYPES.items() for service in services}
        given = Service.objects.filter(
            case__in=self.victims,
            recipient=Recipient.VICTIM,
            given_on__gte=self.period.first_day,
            given_on__lte=self.last_day,
            service_type__in=list(type_of),
        ).values_list("case__organisation__country", "service_type", "case_id")
        for country, service_type, case_id in given.iterator():
            by_type[type_of[service_type]].ids[country].add(case_id)
        recorded = (
            Service.objects.filter(case__in=self.cases, given_on__lte=self.last_day, service_type__in=list(type_of))
            .order_by()
            .values_list("case__organisation__country", "service_type")
            .distinct()
        )
        for country, service_type in recorded:
            by_type[type_of[service_type]].recording.add(country)

        stays = Stay.objects.filter(
            case__in=self.victims, guest=Recipient.VICTIM, check_in_on__lte=self.last_day
        ).filter(Q(check_out_on__isnull=True) | Q(check_out_on__gte=self.period.first_day))
        for country, case_id in stays.values_list("case__organisation__country", "case_id"):
            by_type["accommodation"].ids[country].add(case_id)
        by_type["accommodation"].recording |= self._countries(
            Stay.objects.filter(case__in=self.cases, check_in_on__lte=self.last_day), "case__organisation__country"
        )

        with_lawyer = Proceeding.objects.filter(lawyer__isnull=False)
        for proceeding in self.proceedings:
            if proceeding.has_lawyer and proceeding.open_in_year and proceeding.victim:
                by_type["legal"].ids[proceeding.country].add(proceeding.case_id)
        by_type["legal"].recording |= self._countries(
            self._started_by_end(with_lawyer.filter(case__in=self.cases)), "case__organisation__country"
        )
        return by_type

    # Prosecution -------------------------------------------------------------------------------------------

    def _started_by_end(self, proceedings: QuerySet[Any]) -> QuerySet[Any]:
        return proceedings.filter(
            Q(complaint_filed_on__lte=self.last_day)
            | Q(complaint_filed_on__isnull=True, created_at__lt=self.period.end)
        )

    @property
    def started_proceedings(self) -> QuerySet[Any]:
        return self._started_by_end(Proceeding.objects.filter(case__in=self.cases))

    @cached_property
    def proceedings(self) -> list[ProceedingFact]:
        """The proceedings of the counted cases started by the end of the year, with when they were under way."""
        started = self.started_proceedings
        victim_cases = set(self.victims.values_list("id", flat=True))
        changes: dict[int, list[tuple[date, int, str]]] = defaultdict(list)
        for proceeding_id, to_status, on, pk in StatusChange.objects.filter(proceeding__in=started).values_list(
            "proceeding_id", "to_status", "changed_on", "id"
        ):
            changes[proceeding_id].append((on, pk, to_status))
        facts = []
        for pk, case_id, country, lawyer_id, filed, created_at in started.values_list(
            "id", "case_id", "case__organisation__country", "lawyer_id", "complaint_filed_on", "created_at"
        ):
            history = sorted(changes.get(pk, []))
            start = filed or (history[0][0] if history else local_date(created_at))
            periods = proceeding_periods(start, [(on, to) for on, _pk, to in history])
            under_way = any(s <= self.last_day and (e is None or e >= self.period.first_day) for s, e in periods)
            facts.append(
                ProceedingFact(pk, case_id, country, lawyer_id is not None, under_way, case_id in victim_cases)
            )
        return facts

    @cached_property
    def prosecution(self) -> dict[str, Counts]:
        result = {key: Counts() for key in ("open", "acquittals", "convictions", "sentenced")}
        # Every prosecution figure counts victims' cases only: a country answers it when it records proceedings (or
        # their outcomes) AND records the trafficking status of its cases (identification_recorded); a proceeding in
        # a case never assessed does not make "open proceedings" a 0 (issue 14: unknown is "no data", not zero).
        proceeding_countries = {p.country for p in self.proceedings} & self.identification_recorded
        result["open"].recording = proceeding_countries
        for proceeding in self.proceedings:
            if proceeding.victim and proceeding.open_in_year:
                result["open"].ids[proceeding.country].add(proceeding.id)
        accused = Accused.objects.filter(proceeding__in=self.started_proceedings)
        outcomes_recorded = (
            self._countries(accused, "proceeding__case__organisation__country") & self.identification_recorded
        )
        for key in ("acquittals", "convictions", "sentenced"):
            result[key].recording = outcomes_recorded
        rows = accused.filter(
            proceeding__case__in=self.victims, outcome__in=[AccusedOutcome.ACQUITTED, AccusedOutcome.CONVICTED]
        ).values_list("id", "proceeding_id", "proceeding__case__organisation__country", "outcome", "outcome_on")
        for pk, proceeding_id, country, outcome, on in rows:
            keys = ("acquittals",) if outcome == AccusedOutcome.ACQUITTED else ("convictions", "sentenced")
            if on is None:
                for key in keys:
                    result[key].no_data[country] += 1
                continue
            if on not in self.period:
                continue
            if outcome == AccusedOutcome.ACQUITTED:
                result["acquittals"].ids[country].add(pk)
            else:
                result["convictions"].ids[country].add(proceeding_id)
                result["sentenced"].ids[country].add(pk)
        return result

    # Repatriation -------------------------------------------------------------------------------------------

    @cached_property
    def repatriation(self) -> Counts:
        result = Counts()
        repatriations = Service.objects.filter(service_type=ServiceType.REPATRIATION)
        for country, case_id in repatriations.filter(
            case__in=self.victims,
            recipient=Recipient.VICTIM,
            given_on__gte=self.period.first_day,
            given_on__lte=self.last_day,
        ).values_list("case__organisation__country", "case_id"):
            result.ids[country].add(case_id)
        result.recording = self._countries(
            repatriations.filter(case__in=self.cases, given_on__lte=self.last_day), "case__organisation__country"
        )
        return result

    # Prevention ---------------------------------------------------------------------------------------------

    @cached_property
    def prevention_recorded(self) -> dict[str, set[str]]:
        """Per count ("activities", "participants", "women" …): the countries with an activity held by the end of
        the year in which it was recorded."""
        held = Activity.objects.filter(organisation_id__in=self.scope.organisation_ids, held_on__lte=self.last_day)
        recorded = {"activities": self._countries(held, "organisation__country")}
        for name in ("participants", *PREVENTION_GROUPS):
            recorded[name] = self._countries(held.filter(**{f"{name}__isnull": False}), "organisation__country")
        return recorded

    def prevention_figures(self, country: str, reach: str | None = None) -> Figures:
        activities = Activity.objects.filter(
            organisation_id__in=self.scope.organisation_ids, organisation__country=country, held_on__year=self.year
        )
        if reach:
            activities = activities.filter(reach=reach)
        return figures(activities)


@dataclass(frozen=True)
class ProceedingFact:
    id: int
    case_id: int
    country: str
    has_lawyer: bool
    open_in_year: bool
    victim: bool


# ---------------------------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class NoDataCell(Cell):
    """A figure the country does not record. Its value is the words "no data", so that every renderer (page, CSV,
    XLSX, PDF, JSON) writes them instead of a blank or a zero; `note` is the number of its footnote."""

    note: int = 0

    def display(self) -> str:
        return f"{self.value} ({self.note})" if self.note else str(self.value)

    def display_percent(self) -> str:
        return ""


def no_data_cell(note: int) -> NoDataCell:
    return NoDataCell(cast(Any, _("no data")), note=note)


@dataclass
class Measure:
    """One column of a regional table: per-country values (None: no data) and per-country not-recorded counts."""

    key: str
    label: str
    values: dict[str, int | None]
    no_data: dict[str, int] = field(default_factory=dict)


def _footnote_for(countries: list[str], labels: list[str], data: RegionalData) -> str:
    values = {
        "countries": ", ".join(country_name(c) for c in countries),
        "figures": "; ".join(labels),
        "year": data.year,
    }
    if len(countries) == len(data.countries):
        return (
            _(
                "No data for any country on: %(figures)s. No coalition-member organisation has recorded it up to "
                "31 December %(year)s."
            )
            % values
        )
    return (
        _(
            "No data for %(countries)s on: %(figures)s. None of their coalition-member organisations has recorded "
            "it up to 31 December %(year)s; the coalition total leaves them out."
        )
        % values
    )


def regional_table(
    key: str,
    title: str,
    definition: str,
    measures: list[Measure],
    data: RegionalData,
    *,
    footnotes: list[str] | None = None,
    chart: str | None = None,
) -> Table:
    """Rows: the countries, then the coalition total; columns: the measures. The "no data" cells carry the number of
    the footnote naming the countries and figures without data."""
    missing: dict[tuple[str, ...], list[str]] = {}
    for measure in measures:
        absent = tuple(c for c in data.countries if measure.values.get(c) is None)
        if absent:
            missing.setdefault(absent, []).append(measure.label)
    notes = list(footnotes or [])
    note_of: dict[tuple[str, ...], int] = {}
    for number, (absent, labels) in enumerate(missing.items(), start=1):
        notes.append(f"({number}) {_footnote_for(list(absent), labels, data)}")
        note_of[absent] = number
    columns = [Column(m.key, m.label) for m in measures]
    rows: list[Row] = []
    for country in data.countries:
        cells: dict[str, Cell] = {}
        for measure in measures:
            value = measure.values.get(country)
            if value is None:
                absent = tuple(c for c in data.countries if measure.values.get(c) is None)
                cells[measure.key] = no_data_cell(note_of[absent])
            else:
                cells[measure.key] = Cell(value, no_data=measure.no_data.get(country) or None)
        rows.append(Row(country.lower(), country_name(country), cells))
    totals: dict[str, Cell] = {}
    for measure in measures:
        known = [measure.values[c] for c in data.countries if measure.values.get(c) is not None]
        if not known:
            absent = tuple(data.countries)
            totals[measure.key] = no_data_cell(note_of.get(absent, 0))
        else:
            not_recorded = sum(measure.no_data.get(c, 0) for c in data.countries if measure.values.get(c) is not None)
            totals[measure.key] = Cell(sum(cast(list[int], known)), no_data=not_recorded or None)
    rows.append(Row(TOTAL_ROW, _("Coalition"), totals, kind="total"))
    return Table(key, title, columns, rows, definition=definition, footnotes=notes, chart=chart)


def _measure(key: str, label: str, counts: Counts, data: RegionalData) -> Measure:
    """A column from counted ids: every listed country gets its count where it records the figure, else None."""
    return Measure(key, label, no_data_rule(counts.counts(), counts.recording, data.countries), dict(counts.no_data))


def identification_table(data: RegionalData) -> Table:
    groups = {key: Counts() for key in ("total", "women", "girls", "men", "boys", "other")}
    for victim in data.identified:
        groups["total"].ids[victim.country].add(victim.case_id)
        groups[victim.group].ids[victim.country].add(victim.case_id)
    for counts in groups.values():
        counts.recording = data.identification_recorded
    labels = {
        "total": _("Victims identified"),
        "women": _("Women (18 and over)"),
        "girls": _("Girls (under 18)"),
        "men": _("Men (18 and over)"),
        "boys": _("Boys (under 18)"),
        "other": _("Another sex, or sex or age not recorded"),
    }
    return regional_table(
        "identification",
        _("Victims identified in %(year)s") % {"year": data.year},
        _(
            "Victims (cases whose trafficking status is “actual victim of trafficking”) located alive or deceased in "
            "%(year)s, by sex and by age on the day located (under 18: minor)."
        )
        % {"year": data.year},
        [_measure(key, labels[key], groups[key], data) for key in groups],
        data,
        chart="total",
    )


def nationality_table(data: RegionalData) -> Table:
    groups = {key: Counts() for key in ("within", "outside", "not_recorded")}
    for victim in data.identified:
        groups[victim.nationality].ids[victim.country].add(victim.case_id)
    for counts in groups.values():
        counts.recording = data.identification_recorded
    labels = {
        "within": _("Identified within their country of nationality"),
        "outside": _("Identified outside their country of nationality"),
        "not_recorded": _("Nationality or place located not recorded"),
    }
    return regional_table(
        "nationality",
        _("Victims identified in %(year)s, by country of nationality") % {"year": data.year},
        _(
            "Within: the country where she was located (the place of the outcome) is one of her nationalities. "
            "Outside: both are known and it is not."
        ),
        [_measure(key, labels[key], groups[key], data) for key in groups],
        data,
    )


def exploitation_table(data: RegionalData) -> Table:
    keys = [*EXPLOITATION_GROUPS, "not_recorded"]
    groups = {key: Counts() for key in keys}
    for victim in data.identified:
        for form in victim.forms:
            groups[form].ids[victim.country].add(victim.case_id)
    for counts in groups.values():
        counts.recording = data.exploitation_recorded
    labels = {**exploitation_labels(), "not_recorded": _("Not recorded or not known")}
    return regional_table(
        "exploitation",
        _("Forms of exploitation of the victims identified in %(year)s") % {"year": data.year},
        _(
            "From the trafficking facts of each victim identified in the year. A victim may have suffered several "
            "forms, so the forms can add up to more than the victims."
        ),
        [_measure(key, labels[key], groups[key], data) for key in keys],
        data,
        footnotes=[
            _(
                "Forced labour and servitude includes child labour, domestic servitude and debt bondage; other forms "
                "include organ removal, surrogacy, forced military service, abduction and other."
            )
        ],
    )


def assistance_table(data: RegionalData) -> Table:
    labels = assistance_labels()
    return regional_table(
        "assistance",
        _("Victims assisted in %(year)s, by type of assistance") % {"year": data.year},
        _(
            "Victims who received in %(year)s at least one service of the type (services given to the victim, "
            "not to family members); a victim counts once per type and can count under several types."
        )
        % {"year": data.year},
        [_measure(key, labels[key], data.assistance[key], data) for key in ASSISTANCE_TYPES],
        data,
        footnotes=[
            _(
                "Legal: legal advice and immigration relief, and proceedings with a lawyer under way in the year. "
                "Psychological: psychological counselling. Accommodation: emergency shelter and transitional home "
                "services, and shelter stays in the year. Humanitarian: humanitarian aid. Education and vocational "
                "training: education, vocational training, productive projects. Family reunification: family "
                "reunification. Health: medical care."
            )
        ],
    )


def prosecution_table(data: RegionalData) -> Table:
    labels = {
        "open": _("Open proceedings"),
        "acquittals": _("Acquittals (persons)"),
        "convictions": _("Convictions (proceedings)"),
        "sentenced": _("Persons sentenced"),
    }
    return regional_table(
        "prosecution",
        _("Prosecution in %(year)s") % {"year": data.year},
        _(
            "Proceedings in victims' cases. Open: under way at some time in %(year)s. Acquittals: accused persons "
            "acquitted in %(year)s. Convictions: proceedings with at least one person convicted in %(year)s. "
            "Persons sentenced: accused persons convicted in %(year)s. Outcomes without a date are counted as "
            "“no data” beside the figure."
        )
        % {"year": data.year},
        [_measure(key, labels[key], data.prosecution[key], data) for key in labels],
        data,
    )


def repatriation_table(data: RegionalData) -> Table:
    return regional_table(
        "repatriation",
        _("Repatriations in %(year)s") % {"year": data.year},
        _("Victims who received a repatriation service (care) in %(year)s.") % {"year": data.year},
        [_measure("repatriated", _("People repatriated"), data.repatriation, data)],
        data,
    )


def prevention_table(data: RegionalData) -> Table:
    recorded = data.prevention_recorded
    measures: dict[str, Measure] = {}
    for reach, label in ((Reach.DIRECT, _("Direct")), (Reach.INDIRECT, _("Indirect"))):
        measures[f"{reach}_activities"] = Measure(
            f"{reach}_activities", _("%(reach)s: activities") % {"reach": label}, {}
        )
        measures[f"{reach}_people"] = Measure(f"{reach}_people", _("%(reach)s: people reached") % {"reach": label}, {})
    for country in data.countries:
        for reach in (Reach.DIRECT, Reach.INDIRECT):
            result = data.prevention_figures(country, reach) if country in recorded["activities"] else None
            activities, people = measures[f"{reach}_activities"], measures[f"{reach}_people"]
            activities.values[country] = result.activities if result else None
            people.values[country] = result.people if result and country in recorded["participants"] else None
            if result:
                people.no_data[country] = result.activities_without_count
    return regional_table(
        "prevention",
        _("Prevention in %(year)s") % {"year": data.year},
        _(
            "Prevention activities held in %(year)s by coalition-member organisations and the people they reached. "
            "Direct: in contact with the people (talks, workshops, trainings, meetings); indirect: campaigns, "
            "information materials, media. Activities without a number of participants are counted as “no data” "
            "beside the people reached, never as 0 people."
        )
        % {"year": data.year},
        list(measures.values()),
        data,
    )


def prevention_profile_table(data: RegionalData) -> Table:
    recorded = data.prevention_recorded
    labels = {
        "women": _("Women"),
        "men": _("Men"),
        "sex_other": _("Other or sex not known"),
        "sex_not_recorded": _("Sex not recorded"),
        "children": _("Children (0–11)"),
        "adolescents": _("Adolescents (12–17)"),
        "adults": _("Adults (18 and over)"),
        "age_unknown": _("Age not known"),
        "age_not_recorded": _("Age not recorded"),
    }
    # A group is recorded where some activity filled it in; the "not recorded" remainders wherever totals are.
    evidence = {key: recorded.get(key, recorded["participants"]) for key in labels}
    measures = {key: Measure(key, label, {}) for key, label in labels.items()}
    for country in data.countries:
        result = data.prevention_figures(country) if country in recorded["participants"] else None
        for key, measure in measures.items():
            if result is None or country not in evidence[key]:
                measure.values[country] = None
            elif key in result.groups:
                measure.values[country] = result.groups[key] or 0
            else:
                measure.values[country] = getattr(result, key)
    return regional_table(
        "prevention_profile",
        _("People reached by prevention in %(year)s, by sex and age") % {"year": data.year},
        _(
            "Direct and indirect together. A group counts the people recorded in it; “not recorded” counts the "
            "people of activities with a known total who were put in no group, so each dimension adds up to the "
            "people reached."
        ),
        list(measures.values()),
        data,
    )


TABLES = (
    identification_table,
    nationality_table,
    exploitation_table,
    assistance_table,
    prosecution_table,
    repatriation_table,
    prevention_table,
    prevention_profile_table,
)


def definitions(year: int) -> list[str]:
    return [
        _(
            "Counted: the cases of coalition-member organisations whose current consent to “use in statistics” is "
            "granted, and the prevention activities of coalition-member organisations."
        ),
        _(
            "Country: the country of the organisation that holds the case or ran the activity. The place where a "
            "victim was located is used only to tell whether she was identified within her country of nationality."
        ),
        _(
            "Victim: a case whose trafficking status is “actual victim of trafficking”; identified in %(year)s: "
            "located (alive or deceased) in %(year)s."
        )
        % {"year": year},
        _(
            "“No data”: none of the country's coalition-member organisations has recorded that kind of record (among "
            "those counted) up to 31 December %(year)s, so the figure is unknown, not zero. Where they have, 0 is a "
            "real zero. The footnotes say which countries lack which figures."
        )
        % {"year": year},
    ]


def regional_report(year: int, *, today: date | None = None) -> Report:
    """The regional indicators of a year for the whole coalition (read on the replica, if there is one)."""
    with reading_from_replica():
        return _regional_report(year, today=today)


def _regional_report(year: int, *, today: date | None = None) -> Report:
    data = RegionalData(year)
    produced = today or timezone.localdate()
    return Report(
        _("Regional indicators %(year)s") % {"year": year},
        [build(data) for build in TABLES],
        meta=[
            (_("Year"), str(year)),
            (_("Countries"), ", ".join(country_name(c) for c in data.countries) or _("none")),
            (_("Coalition-member organisations"), str(len(data.scope.organisation_ids))),
            (_("Consent"), data.scope.consent_rule()),
            (_("Produced on"), date_format(produced, "SHORT_DATE_FORMAT")),
        ],
        definitions=definitions(year),
    )
