"""Who the missing persons are: sex, minors and adults, CTDC age bins, nationality, indigenous peoples."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from redalert.cases.choices import Sex, YesNoUnknown
from redalert.lib.text import fold
from redalert.places.names import country_name
from redalert.statistics.figures.layout import NO_DATA, category_table
from redalert.statistics.loading import YearData
from redalert.statistics.tables import Table
from redalert.statistics.worked import CaseIds, Group, is_worked, json_lists

ADULT_AGE = 18
# CTDC's age bins (open data): lower bound, upper bound (inclusive; None = and over).
CTDC_AGE_BINS: tuple[tuple[int, int | None], ...] = (
    (0, 8),
    (9, 17),
    (18, 20),
    (21, 23),
    (24, 26),
    (27, 29),
    (30, 38),
    (39, 47),
    (48, None),
)


def _by(data: YearData, grouping: tuple[str, ...], key: Callable[[Group], Any]) -> Callable[[Any], CaseIds]:
    """The cases worked, by `key` of their values for `grouping`: counted by the database, ids loaded on demand."""
    counts = data.cases.grouped(grouping, is_worked, key)

    def cases(value: Any) -> CaseIds:
        return data.cases.cases(is_worked, grouping, lambda values: key(values) == value, count=counts.get(value, 0))

    return cases


def people_key(name: str) -> str:
    """Names written the same way apart from accents and capitals are one people."""
    return slugify(fold(name)) or "other"


def sex_table(data: YearData) -> Table:
    known = {s.value for s in Sex if s != Sex.UNKNOWN}

    def key(values: Group) -> str:
        return values[0] if values[0] in known else NO_DATA

    by_sex = _by(data, ("sex",), key)
    groups = [(s.value, str(s.label), by_sex(s.value)) for s in Sex if s != Sex.UNKNOWN]
    unknown = by_sex(NO_DATA)
    return category_table(
        "sex",
        _("Sex"),
        _("Cases worked in %(year)s by the sex of the missing person. Percentages are of the cases worked.")
        % {"year": data.year},
        groups,
        (_("No data: sex not known or not recorded"), unknown),
        data.worked_total,
    )


def age_group_table(data: YearData) -> Table:
    def key(values: Group) -> str:
        age = values[0]
        return NO_DATA if age is None else "minors" if age < ADULT_AGE else "adults"

    by_group = _by(data, ("age",), key)
    minors, adults, unknown = by_group("minors"), by_group("adults"), by_group(NO_DATA)
    return category_table(
        "age_group",
        _("Minors and adults"),
        _(
            "Age at disappearance (from the date of birth on the day last seen, else the estimated age): minors "
            "are under 18. Percentages are of the cases worked."
        ),
        [("minors", _("Minors (0–17)"), minors), ("adults", _("Adults (18 and over)"), adults)],
        (_("No data: age not known"), unknown),
        data.worked_total,
    )


def age_bin_label(low: int, high: int | None) -> str:
    return f"{low}+" if high is None else f"{low}–{high}"


def age_bins_table(data: YearData) -> Table:
    lows = [low for low, _high in CTDC_AGE_BINS]

    def key(values: Group) -> int:
        return -1 if values[0] is None else bisect_right(lows, values[0]) - 1

    by_bin = _by(data, ("age",), key)
    unknown = by_bin(-1)
    groups = [
        (f"{low}-{high}" if high is not None else f"{low}-plus", age_bin_label(low, high), by_bin(n))
        for n, (low, high) in enumerate(CTDC_AGE_BINS)
    ]
    return category_table(
        "age_bins",
        _("Age at disappearance (CTDC bins)"),
        _("Age at disappearance in the age bins of CTDC open data. Percentages are of the cases worked."),
        groups,
        (_("No data: age not known"), unknown),
        data.worked_total,
    )


def nationality_table(data: YearData) -> Table:
    # Grouped by the list as stored (few distinct lists), each parsed once; a case counts once per nationality.
    grouped = data.cases.grouped(("nationalities",), is_worked, lambda values: values[0])
    texts = list(grouped)
    codes_of = {
        text: frozenset(n.upper() for n in parsed if isinstance(n, str) and n)
        for text, parsed in zip(texts, json_lists(texts), strict=True)
    }
    counts: Counter[str] = Counter()
    for text, n in grouped.items():
        for code in codes_of[text]:
            counts[code] += n

    def cases(code: str | None) -> CaseIds:
        def where(values: Group) -> bool:
            codes = codes_of.get(values[0])
            if codes is None:
                codes = frozenset(n.upper() for n in json_lists([values[0]])[0] if isinstance(n, str) and n)
            return code in codes if code is not None else not codes

        count = counts[code] if code is not None else sum(n for t, n in grouped.items() if not codes_of[t])
        return data.cases.cases(is_worked, ("nationalities",), where, count=count)

    unknown = cases(None)
    ordered = [(code, cases(code)) for code, _n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    return category_table(
        "nationality",
        _("Nationality"),
        _("Cases worked in %(year)s by nationality (ISO 3166-1). Percentages are of the cases worked.")
        % {"year": data.year},
        [(code, country_name(code), ids) for code, ids in ordered],
        (_("No data: nationality not known"), unknown),
        data.worked_total,
        footnotes=[_("A person with more than one nationality counts once in each: the rows may add up to more.")],
    )


def indigenous_table(data: YearData) -> Table:
    def key(values: Group) -> str:
        return values[0] if values[0] in (YesNoUnknown.YES, YesNoUnknown.NO) else NO_DATA

    by_answer = _by(data, ("indigenous", "indigenous_people"), key)
    yes, no, unknown = by_answer(YesNoUnknown.YES), by_answer(YesNoUnknown.NO), by_answer(NO_DATA)
    return category_table(
        "indigenous",
        _("Indigenous peoples"),
        _("Whether the missing person belongs to an indigenous people. Percentages are of the cases worked."),
        [("yes", _("Belongs to an indigenous people"), yes), ("no", _("Does not"), no)],
        (_("No data: not known"), unknown),
        data.worked_total,
        chart=False,
    )


def _usual_spelling(spellings: Counter[str]) -> str:
    """The most frequent spelling; among equals, the first in code-point order (capitals first)."""
    return min(spellings.items(), key=lambda item: (-item[1], item[0]))[0]


def indigenous_people_table(data: YearData) -> Table:
    grouping = ("indigenous", "indigenous_people")
    # Grouped by the name as written (few distinct names), each folded once.
    grouped = data.cases.grouped(
        grouping, is_worked, lambda values: (values[0] or YesNoUnknown.UNKNOWN, (values[1] or "").strip())
    )
    members = sum(n for (answer, _name), n in grouped.items() if answer == YesNoUnknown.YES)
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for (answer, name), n in grouped.items():
        if answer == YesNoUnknown.YES and name:
            key = people_key(name)
            counts[key] += n
            spellings[key][name] += n

    def cases(key: str | None) -> CaseIds:
        def where(values: Group) -> bool:
            name = (values[1] or "").strip()
            return values[0] == YesNoUnknown.YES and (people_key(name) == key if key is not None else not name)

        count = counts[key] if key is not None else members - sum(counts.values())
        return data.cases.cases(is_worked, grouping, where, count=count)

    unknown = cases(None)
    ordered = [(key, cases(key)) for key, _n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    return category_table(
        "indigenous_people",
        _("Indigenous peoples, by people"),
        _(
            "Of the cases worked whose missing person belongs to an indigenous people: which people (names written "
            "the same way apart from accents and capitals are counted together). Percentages are of those cases."
        ),
        [(key, _usual_spelling(spellings[key]), ids) for key, ids in ordered],
        (_("No data: people not recorded"), unknown),
        members,
        chart=False,
    )
