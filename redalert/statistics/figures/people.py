"""Who the missing persons are: sex, minors and adults, CTDC age bins, nationality, indigenous peoples."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict

from django.utils.text import slugify
from django.utils.translation import gettext as _

from redalert.cases.choices import Sex, YesNoUnknown
from redalert.lib.text import fold
from redalert.places.names import country_name
from redalert.statistics.figures.layout import category_table
from redalert.statistics.loading import YearData
from redalert.statistics.tables import Table

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


def sex_table(data: YearData) -> Table:
    rows = data.worked.rows
    by_sex: dict[str, list[int]] = defaultdict(list)
    for pk, row in rows.items():
        by_sex[row.sex].append(pk)
    groups = [(s.value, str(s.label), by_sex.get(s.value, [])) for s in Sex if s != Sex.UNKNOWN]
    known = {s.value for s in Sex if s != Sex.UNKNOWN}
    unknown = [pk for pk, row in rows.items() if row.sex not in known]
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
    rows = data.worked.rows
    minors = [pk for pk, r in rows.items() if r.age is not None and r.age < ADULT_AGE]
    adults = [pk for pk, r in rows.items() if r.age is not None and r.age >= ADULT_AGE]
    unknown = [pk for pk, r in rows.items() if r.age is None]
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
    members: list[list[int]] = [[] for _bin in CTDC_AGE_BINS]
    unknown = []
    for pk, row in data.worked.rows.items():
        if row.age is None:
            unknown.append(pk)
        else:
            members[bisect_right(lows, row.age) - 1].append(pk)
    groups = [
        (f"{low}-{high}" if high is not None else f"{low}-plus", age_bin_label(low, high), ids)
        for (low, high), ids in zip(CTDC_AGE_BINS, members, strict=True)
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
    by_country: dict[str, list[int]] = defaultdict(list)
    unknown = []
    for pk, row in data.worked.rows.items():
        codes = {n.upper() for n in row.nationalities if isinstance(n, str) and n}
        if not codes:
            unknown.append(pk)
        for code in codes:
            by_country[code].append(pk)
    ordered = sorted(by_country.items(), key=lambda item: (-len(item[1]), item[0]))
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
    rows = data.worked.rows
    yes = [pk for pk, r in rows.items() if r.indigenous == YesNoUnknown.YES]
    no = [pk for pk, r in rows.items() if r.indigenous == YesNoUnknown.NO]
    unknown = [pk for pk, r in rows.items() if r.indigenous not in (YesNoUnknown.YES, YesNoUnknown.NO)]
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
    members = {pk: r for pk, r in data.worked.rows.items() if r.indigenous == YesNoUnknown.YES}
    groups: dict[str, list[int]] = defaultdict(list)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    unknown = []
    for pk, row in members.items():
        if not row.indigenous_people:
            unknown.append(pk)
            continue
        key = slugify(fold(row.indigenous_people)) or "other"
        groups[key].append(pk)
        spellings[key][row.indigenous_people] += 1
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    return category_table(
        "indigenous_people",
        _("Indigenous peoples, by people"),
        _(
            "Of the cases worked whose missing person belongs to an indigenous people: which people (names written "
            "the same way apart from accents and capitals are counted together). Percentages are of those cases."
        ),
        [(key, _usual_spelling(spellings[key]), ids) for key, ids in ordered],
        (_("No data: people not recorded"), unknown),
        len(members),
        chart=False,
    )
