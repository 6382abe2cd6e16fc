"""The open-data file: victim-level records in the column layout of CTDC's k-anonymised Global Dataset.

Each case with a current consent to use in statistics (and not assessed "not a victim of trafficking") becomes one
row of quasi-identifiers only: year of registration, gender, age band and majority status, nationality, country of
exploitation, types of exploitation, means of control and the recruiter's relationship. Nothing else about the case
is written, so every column is a quasi-identifier or follows from one. The rows are then k-anonymised
(redalert.opendata.kanon, k >= 11): each quasi-identifier is generalised along its hierarchy (below) as far as
needed, and the records still in classes smaller than k are left out.

Layout: the 63 columns of CTDC's "Global K-anon Dataset" (2021), in its order. Binary columns are "1" (yes),
"0" (recorded as no) or empty (not known, not recorded, not applicable, or generalised away): an unknown is never
written as "0". Age bands are CTDC's (0--8, 9--17, 18--20, 21--23, 24--26, 27--29, 30--38, 39--47, 48+).

Generalisation hierarchies (level 0 is the recorded value; the last level is empty, "not known"):
- yearOfRegistration: 2025 → 2024--2025 → 2025--2029 (five years) → empty
- gender: Female / Male / Trans/Transgender/NonConforming → empty
- age: ageBroad and majorityStatus → majorityStatus only → empty
- citizenship, CountryOfExploitation: ISO 3166-1 alpha-2 → region (redalert.opendata.regions) → empty
- exploitation: every is*/typeOf* column → only isForcedLabour, isSexualExploit, isOtherExploit, isSexAndLabour
  → empty
- meansOfControl*: every column → threats, psychological, physical and sexual abuse, false promises → empty
- recruiter relationship: as recorded → empty
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from redalert.cases.choices import Gender, Sex
from redalert.cases.models import Case
from redalert.investigation.choices import (
    EventType,
    MethodOfControl,
    RelationshipToTrafficker,
    TraffickingStatus,
    TypeOfExploitation,
    TypeOfSexExploitation,
)
from redalert.opendata.kanon import Anonymisation, Cells, Hierarchy, anonymise
from redalert.opendata.regions import region_of
from redalert.opendata.sources import (
    country_of,
    iter_cases,
    known_choice,
    known_list,
    related_or_none,
    shareable_case_ids,
)

DATASOURCE = "Case Management"
YES, NO, UNKNOWN = "1", "0", ""

AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 8, "0--8"),
    (9, 17, "9--17"),
    (18, 20, "18--20"),
    (21, 23, "21--23"),
    (24, 26, "24--26"),
    (27, 29, "27--29"),
    (30, 38, "30--38"),
    (39, 47, "39--47"),
    (48, None, "48+"),
)


def age_band(age: int | None) -> str | None:
    """CTDC's age band for an age in years (None when the age is not known)."""
    if age is None:
        return None
    for low, high, label in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return None


MEANS_COLUMNS = (
    "meansOfControlDebtBondage",
    "meansOfControlTakesEarnings",
    "meansOfControlRestrictsFinancialAccess",
    "meansOfControlThreats",
    "meansOfControlPsychologicalAbuse",
    "meansOfControlPhysicalAbuse",
    "meansOfControlSexualAbuse",
    "meansOfControlFalsePromises",
    "meansOfControlPsychoactiveSubstances",
    "meansOfControlRestrictsMovement",
    "meansOfControlRestrictsMedicalCare",
    "meansOfControlExcessiveWorkingHours",
    "meansOfControlUsesChildren",
    "meansOfControlThreatOfLawEnforcement",
    "meansOfControlWithholdsNecessities",
    "meansOfControlWithholdsDocuments",
    "meansOfControlOther",
)
EXPLOIT_FLAGS = (
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "isSexAndLabour",
    "isForcedMarriage",
    "isForcedMilitary",
    "isOrganRemoval",
    "isSlaveryAndPractices",
)
LABOUR_COLUMNS = (
    "typeOfLabourAgriculture",
    "typeOfLabourAquafarming",
    "typeOfLabourBegging",
    "typeOfLabourConstruction",
    "typeOfLabourDomesticWork",
    "typeOfLabourHospitality",
    "typeOfLabourIllicitActivities",
    "typeOfLabourManufacturing",
    "typeOfLabourMiningOrDrilling",
    "typeOfLabourPeddling",
    "typeOfLabourTransportation",
    "typeOfLabourOther",
    "typeOfLabourNotSpecified",
)
SEX_COLUMNS = (
    "typeOfSexProstitution",
    "typeOfSexPornography",
    "typeOfSexRemoteInteractiveServices",
    "typeOfSexPrivateSexualServices",
)
RECRUITER_COLUMNS = (
    "recruiterRelationIntimatePartner",
    "recruiterRelationFriend",
    "recruiterRelationFamily",
    "recruiterRelationOther",
    "recruiterRelationUnknown",
)

CTDC_COLUMNS: tuple[str, ...] = (
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "majorityStatusAtExploit",
    "majorityEntry",
    "citizenship",
    *MEANS_COLUMNS,
    "meansOfControlNotSpecified",
    "meansOfControlConcatenated",
    *EXPLOIT_FLAGS,
    "typeOfExploitConcatenated",
    *LABOUR_COLUMNS,
    "typeOfLabourConcatenated",
    *SEX_COLUMNS,
    "typeOfSexConcatenated",
    "isAbduction",
    "RecruiterRelationship",
    "CountryOfExploitation",
    *RECRUITER_COLUMNS,
)

# -- From the case file to raw quasi-identifier values.

GENDERS: dict[str, str] = {
    Gender.FEMININE: "Female",
    Gender.MASCULINE: "Male",
    Gender.TRANSGENDER_FEMININE: "Trans/Transgender/NonConforming",
    Gender.TRANSGENDER_MASCULINE: "Trans/Transgender/NonConforming",
    Gender.NON_CONFORMING: "Trans/Transgender/NonConforming",
}
SEXES: dict[str, str] = {Sex.FEMALE: "Female", Sex.MALE: "Male"}

# Our exploitation codes in CTDC's categories. Forced begging and forced criminal activities are forced labour in
# the begging and illicit-activities sectors; servitude, domestic servitude and debt bondage are slavery and similar
# practices (1956 Supplementary Convention); forced adoption, surrogacy, abduction and "other" are other forms.
LABOUR = frozenset(
    {
        TypeOfExploitation.FORCED_LABOUR,
        TypeOfExploitation.CHILD_LABOUR,
        TypeOfExploitation.FORCED_BEGGING,
        TypeOfExploitation.CRIMINAL_ACTIVITIES,
    }
)
SLAVERY = frozenset(
    {TypeOfExploitation.SERVITUDE, TypeOfExploitation.DOMESTIC_SERVITUDE, TypeOfExploitation.DEBT_BONDAGE}
)
SPECIFIC = {
    "isForcedMarriage": TypeOfExploitation.FORCED_MARRIAGE,
    "isForcedMilitary": TypeOfExploitation.FORCED_MILITARY,
    "isOrganRemoval": TypeOfExploitation.ORGAN_REMOVAL,
}
EXPLOIT_LABELS = (
    ("isForcedLabour", "Forced labour"),
    ("isSexualExploit", "Sexual exploitation"),
    ("isForcedMarriage", "Forced marriage"),
    ("isForcedMilitary", "Forced military"),
    ("isOrganRemoval", "Organ removal"),
    ("isSlaveryAndPractices", "Slavery and similar practices"),
)
SEX_TYPES = {
    "typeOfSexProstitution": (TypeOfSexExploitation.PROSTITUTION, "Prostitution"),
    "typeOfSexPornography": (TypeOfSexExploitation.PORNOGRAPHY, "Pornography"),
    "typeOfSexRemoteInteractiveServices": (TypeOfSexExploitation.REMOTE, "Remote interactive services"),
    "typeOfSexPrivateSexualServices": (TypeOfSexExploitation.PRIVATE, "Private sexual services"),
}
LABOUR_SECTORS = {
    "typeOfLabourBegging": (TypeOfExploitation.FORCED_BEGGING, "Begging"),
    "typeOfLabourIllicitActivities": (TypeOfExploitation.CRIMINAL_ACTIVITIES, "Illicit activities"),
}
MEANS: dict[str, str] = {
    MethodOfControl.PHYSICAL_THREATS: "meansOfControlThreats",
    MethodOfControl.THREATENS_FAMILY: "meansOfControlThreats",
    MethodOfControl.THREATS_LAW: "meansOfControlThreatOfLawEnforcement",
    MethodOfControl.DEBT_BONDAGE: "meansOfControlDebtBondage",
    MethodOfControl.FALSE_PROMISES: "meansOfControlFalsePromises",
    MethodOfControl.PHYSICAL_ABUSE: "meansOfControlPhysicalAbuse",
    MethodOfControl.SEXUAL_ABUSE: "meansOfControlSexualAbuse",
    MethodOfControl.TAKES_EARNINGS: "meansOfControlTakesEarnings",
    MethodOfControl.RESTRICTS_FINANCIAL: "meansOfControlRestrictsFinancialAccess",
    MethodOfControl.RESTRICTS_MEDICAL: "meansOfControlRestrictsMedicalCare",
    MethodOfControl.WITHHOLDS_NECESSITIES: "meansOfControlWithholdsNecessities",
    MethodOfControl.PSYCHOLOGICAL_ABUSE: "meansOfControlPsychologicalAbuse",
    MethodOfControl.PSYCHOACTIVE: "meansOfControlPsychoactiveSubstances",
    MethodOfControl.EXCESSIVE_HOURS: "meansOfControlExcessiveWorkingHours",
    MethodOfControl.WITHHOLDS_DOCUMENTS: "meansOfControlWithholdsDocuments",
    MethodOfControl.OTHER: "meansOfControlOther",
}
RECORDED_MEANS = frozenset(MEANS.values())  # restricts movement and uses children are not in our vocabulary
MAIN_MEANS = (
    "meansOfControlThreats",
    "meansOfControlPsychologicalAbuse",
    "meansOfControlPhysicalAbuse",
    "meansOfControlSexualAbuse",
    "meansOfControlFalsePromises",
)


def _frozen(values: list[str] | None) -> frozenset[str] | None:
    known = known_list(values)
    return frozenset(known) if known is not None else None


def quasi_identifiers(case: Case) -> dict[str, Any]:
    """The raw quasi-identifier values of one case (hashable; None where not known)."""
    person = case.person
    facts = related_or_none(case, "trafficking_facts")
    gender = GENDERS.get(person.gender) or SEXES.get(person.sex)
    exploitation_countries = [
        country_of(e.place) for e in case.route.all() if e.event_type == EventType.EXPLOITATION and e.place
    ]
    return {
        "year": timezone.localtime(case.reported_at).year,
        "gender": gender,
        "age": person.age_when_last_seen,
        "citizenship": person.nationalities[0] if person.nationalities else None,
        "exploitation_country": next((c for c in exploitation_countries if c), None),
        "exploitation": (
            (_frozen(facts.exploitation_types), _frozen(facts.sex_exploitation_types)) if facts else (None, None)
        ),
        "means": _frozen(facts.methods_of_control) if facts else None,
        "recruiter": known_choice(facts.relationship_to_trafficker) if facts else None,
    }


# -- The hierarchies: raw value and level to the written cells.


def _year(value: int | None, level: int) -> Cells:
    if value is None or level >= 3:
        return (UNKNOWN,)
    if level == 0:
        return (str(value),)
    span = 2 if level == 1 else 5
    start = value - value % span
    return (f"{start}--{start + span - 1}",)


def _gender(value: str | None, level: int) -> Cells:
    return (value or UNKNOWN,) if level == 0 else (UNKNOWN,)


def _age(value: int | None, level: int) -> Cells:
    """ageBroad, majorityStatus, majorityStatusAtExploit, majorityEntry (the last two are never known here)."""
    if value is None or level >= 2:
        return (UNKNOWN,) * 4
    majority = "Minor" if value < 18 else "Adult"
    band = (age_band(value) or UNKNOWN) if level == 0 else UNKNOWN
    return (band, majority, UNKNOWN, UNKNOWN)


def _country(value: str | None, level: int) -> Cells:
    if value is None or level >= 2:
        return (UNKNOWN,)
    return (value,) if level == 0 else (region_of(value) or UNKNOWN,)


def _flag(condition: bool) -> str:
    return YES if condition else NO


def _exploitation(value: tuple[frozenset[str] | None, frozenset[str] | None], level: int) -> Cells:
    """EXPLOIT_FLAGS, typeOfExploitConcatenated, LABOUR_COLUMNS, typeOfLabourConcatenated, SEX_COLUMNS,
    typeOfSexConcatenated, isAbduction."""
    types, sex_types = value
    width = len(EXPLOIT_FLAGS) + 1 + len(LABOUR_COLUMNS) + 1 + len(SEX_COLUMNS) + 1 + 1
    if types is None or level >= 2:
        return (UNKNOWN,) * width
    labour = bool(types & LABOUR)
    sexual = TypeOfExploitation.SEXUAL in types
    flags = {
        "isForcedLabour": labour,
        "isSexualExploit": sexual,
        "isOtherExploit": bool(types - LABOUR - {TypeOfExploitation.SEXUAL}),
        "isSexAndLabour": labour and sexual,
        **{name: code in types for name, code in SPECIFIC.items()},
        "isSlaveryAndPractices": bool(types & SLAVERY),
    }
    coarse = ("isForcedLabour", "isSexualExploit", "isOtherExploit", "isSexAndLabour")
    if level == 1:
        labels = [label for name, label in (*EXPLOIT_LABELS[:2], ("isOtherExploit", "Other")) if flags[name]]
        written = [_flag(flags[name]) if name in coarse else UNKNOWN for name in EXPLOIT_FLAGS]
        tail = (UNKNOWN,) * (len(LABOUR_COLUMNS) + 1 + len(SEX_COLUMNS) + 1 + 1)
        return (*written, ";".join(labels), *tail)
    labels = [label for name, label in EXPLOIT_LABELS if flags[name]]
    if types - LABOUR - {TypeOfExploitation.SEXUAL} - set(SPECIFIC.values()) - SLAVERY:
        labels.append("Other")
    labour_cells = []
    for column in LABOUR_COLUMNS:
        if not labour:
            labour_cells.append(UNKNOWN)
        elif column in LABOUR_SECTORS:
            labour_cells.append(_flag(LABOUR_SECTORS[column][0] in types))
        elif column == "typeOfLabourNotSpecified":
            labour_cells.append(_flag(not types & {code for code, _ in LABOUR_SECTORS.values()}))
        else:
            labour_cells.append(UNKNOWN)  # sectors the case file does not record
    labour_labels = [label for code, label in LABOUR_SECTORS.values() if labour and code in types]
    sex_cells = []
    for column in SEX_COLUMNS:
        code = SEX_TYPES[column][0]
        sex_cells.append(UNKNOWN if not sexual or sex_types is None else _flag(code in sex_types))
    sex_labels = [label for code, label in SEX_TYPES.values() if sexual and sex_types and code in sex_types]
    return (
        *(_flag(flags[name]) for name in EXPLOIT_FLAGS),
        ";".join(labels),
        *labour_cells,
        ";".join(labour_labels),
        *sex_cells,
        ";".join(sex_labels),
        _flag(TypeOfExploitation.ABDUCTION in types),
    )


def _means(value: frozenset[str] | None, level: int) -> Cells:
    """MEANS_COLUMNS, meansOfControlNotSpecified, meansOfControlConcatenated."""
    if level >= 2:
        return (UNKNOWN,) * (len(MEANS_COLUMNS) + 2)
    if value is None:
        return (*(UNKNOWN for _ in MEANS_COLUMNS), YES, UNKNOWN)
    present = {MEANS[code] for code in value if code in MEANS}
    cells = []
    for column in MEANS_COLUMNS:
        if column not in RECORDED_MEANS or (level == 1 and column not in MAIN_MEANS):
            cells.append(UNKNOWN)
        else:
            cells.append(_flag(column in present))
    labels = [column.removeprefix("meansOfControl") for column in MEANS_COLUMNS if column in present]
    return (*cells, NO, ";".join(labels) if level == 0 else UNKNOWN)


def _recruiter(value: str | None, level: int) -> Cells:
    """RecruiterRelationship, then RECRUITER_COLUMNS (intimate partner, friend, family, other, unknown)."""
    if level >= 1:
        return (UNKNOWN,) * 6
    if value is None:
        return (UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, YES)
    if value == RelationshipToTrafficker.FAMILIAL:
        return (value, UNKNOWN, NO, YES, NO, NO)
    if value == RelationshipToTrafficker.ACQUAINTED:  # a partner, a friend or someone else she knew: not family
        return (value, UNKNOWN, UNKNOWN, NO, UNKNOWN, NO)
    return (value, NO, NO, NO, YES, NO)  # unacquainted: a stranger


# The weight is what generalising a quasi-identifier all the way costs: the search spares the heavy ones (the year of
# a yearly dataset, age, the form of exploitation) and gives up the details of control and the recruiter first.
HIERARCHIES: tuple[Hierarchy, ...] = (
    Hierarchy("year", 4, _year, weight=2.0),
    Hierarchy("gender", 2, _gender, weight=1.5),
    Hierarchy("age", 3, _age, weight=2.0),
    Hierarchy("citizenship", 3, _country, weight=1.5),
    Hierarchy("exploitation", 3, _exploitation, weight=2.0),
    Hierarchy("exploitation_country", 3, _country, weight=1.5),
    Hierarchy("means", 3, _means, weight=1.0),
    Hierarchy("recruiter", 2, _recruiter, weight=1.0),
)

COLUMNS_OF: dict[str, tuple[str, ...]] = {
    "year": ("yearOfRegistration",),
    "gender": ("gender",),
    "age": ("ageBroad", "majorityStatus", "majorityStatusAtExploit", "majorityEntry"),
    "citizenship": ("citizenship",),
    "exploitation_country": ("CountryOfExploitation",),
    "exploitation": (
        *EXPLOIT_FLAGS,
        "typeOfExploitConcatenated",
        *LABOUR_COLUMNS,
        "typeOfLabourConcatenated",
        *SEX_COLUMNS,
        "typeOfSexConcatenated",
        "isAbduction",
    ),
    "means": (*MEANS_COLUMNS, "meansOfControlNotSpecified", "meansOfControlConcatenated"),
    "recruiter": ("RecruiterRelationship", *RECRUITER_COLUMNS),
}
QUASI_IDENTIFIER_COLUMNS = tuple(column for column in CTDC_COLUMNS if column != "Datasource")


def ctdc_row(cells: dict[str, Cells]) -> list[str]:
    """One published row in CTDC column order."""
    by_column = {"Datasource": DATASOURCE}
    for name, values in cells.items():
        by_column.update(zip(COLUMNS_OF[name], values, strict=True))
    return [by_column[column] for column in CTDC_COLUMNS]


# -- Building the file.


@dataclass
class OpenDataFile:
    anonymisation: Anonymisation
    rows: list[list[str]]

    @property
    def records_considered(self) -> int:
        return self.anonymisation.records

    @property
    def records_published(self) -> int:
        return len(self.rows)

    @property
    def records_suppressed(self) -> int:
        return len(self.anonymisation.suppressed)

    def csv_text(self) -> str:
        buffer = io.StringIO()
        write_csv(buffer, self.rows)
        return buffer.getvalue()


def write_csv(out: Any, rows: Iterable[Sequence[str]]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CTDC_COLUMNS)
    writer.writerows(rows)


def victim_records(cases: QuerySet[Case]) -> Iterator[dict[str, Any]]:
    """The raw quasi-identifiers of the shareable cases, leaving out those assessed not a victim of trafficking."""
    for case in iter_cases(shareable_case_ids(cases), full=False):
        facts = related_or_none(case, "trafficking_facts")
        if facts is not None and facts.trafficking_status == TraffickingStatus.NOT_A_VICTIM:
            continue
        yield quasi_identifiers(case)


def build_open_data(cases: QuerySet[Case], *, k: int, max_suppressed_share: float) -> OpenDataFile:
    """The k-anonymised open-data file of these cases (callers pass a publication k: see config.publication_k)."""
    raw = list(victim_records(cases))
    result = anonymise(raw, HIERARCHIES, k=k, max_suppressed_share=max_suppressed_share)
    # Shuffle-free but order-free: rows sorted by their values, so the file says nothing about case order.
    rows = sorted(ctdc_row(cells) for cells in result.rows)
    return OpenDataFile(anonymisation=result, rows=rows)
