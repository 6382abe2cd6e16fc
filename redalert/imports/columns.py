"""The columns of an import file: one list, read by the validation, the import page and the documentation tests.

Headers are matched case- and accent-insensitively, ignoring spaces, hyphens and underscores; where HTCDS 2.0 has a
name for a field, that name is accepted too (e.g. `TypeOfExploitation`). Services and expenses repeat as numbered
groups: `service_1_type`, `service_1_on`, `service_1_cost`, `service_1_currency`, then `service_2_…`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from redalert.imports.values import key

# Groups of columns that are applied (and fingerprinted) together on a re-import.
HISTORY = "history"
LEGAL = "legal"
SERVICES = "services"
EXPENSES = "expenses"


@dataclass(frozen=True)
class Column:
    name: str
    group: str = ""  # "" for a column applied on its own
    required: bool = False
    aliases: tuple[str, ...] = ()
    htcds: str = ""
    help: Promise | str = field(default="", compare=False)

    @property
    def help_html(self) -> SafeString:
        return help_html(self)


COLUMNS: tuple[Column, ...] = (
    Column(
        "organisation", aliases=("organization", "organizacion"), help=_("Your organisation's code; may be left empty.")
    ),
    Column(
        "case_reference",
        required=True,
        aliases=("reference", "referencia"),
        help=_("Your own reference of the case: the key that makes a re-import update the case."),
    ),
    Column(
        "reported_on",
        required=True,
        aliases=("date_reported", "fecha_reporte"),
        help=_("Date the report was received (YYYY-MM-DD or DD/MM/YYYY; a time may follow)."),
    ),
    Column("report_channel", help=_("family, public, authority, hotline or other.")),
    Column("given_names", help=_("Given names of the missing person.")),
    Column("first_surname", help=_("First surname.")),
    Column("second_surname", help=_("Second surname.")),
    Column("sex", help=_("female, male, intersex or unknown.")),
    Column(
        "gender",
        htcds="Gender",
        help=_(
            "HTCDS Gender: Feminine, Masculine, TransgenderFeminine, TransgenderMasculine, NonConforming, "
            "NonSpecifiedUnknown."
        ),
    ),
    Column("birth_date", help=_("Date of birth.")),
    Column(
        "age_at_disappearance",
        htcds="AgeWhenTrafficked",
        help=_("Age in whole years when last seen, if the date of birth is not known (0 is a baby)."),
    ),
    Column(
        "nationalities", aliases=("nationality",), help=_("ISO 3166-1 codes or country names, separated by semicolons.")
    ),
    Column("ethnicity", help=_("Ethnicity, as recorded.")),
    Column("indigenous", help=_("Belongs to an indigenous people: yes, no or unknown.")),
    Column("indigenous_people", help=_("Which indigenous people.")),
    Column(
        "last_seen_on",
        required=True,
        aliases=("date_of_disappearance",),
        help=_("Date of the disappearance (last seen)."),
    ),
    Column(
        "last_seen_place",
        required=True,
        aliases=("place_of_disappearance",),
        help=_(
            "Place of the disappearance: a gazetteer code (MX-QUE) or its name "
            "(“Santiago de Querétaro, Querétaro, México”)."
        ),
    ),
    Column(
        "status",
        HISTORY,
        required=True,
        help=_(
            "not_located (active search), located_alive, located_deceased, follow_up, closed "
            "(or reported, verification)."
        ),
    ),
    Column(
        "status_on", HISTORY, help=_("Date of the status: the date located, closed, follow-up or active search began.")
    ),
    Column("located_on", HISTORY, help=_("Date she was located.")),
    Column("located_place", HISTORY, help=_("Place where she was located.")),
    Column("outcome", HISTORY, help=_("For follow_up or closed cases that were located: alive or deceased.")),
    Column("how_located", HISTORY, help=_("rescue_operation, family, returned, tip, authorities, other or unknown.")),
    Column("closed_on", HISTORY, help=_("Date the case was closed.")),
    Column("closure_reason", HISTORY, help=_("Why the case was closed.")),
    Column(
        "trafficking_status",
        htcds="TraffickingStatus",
        help=_(
            "HTCDS TraffickingStatus: PossibleVictimOfTrafficking, ActualVictimOfTrafficking, NotAVictimOfTrafficking."
        ),
    ),
    Column(
        "type_of_exploitation",
        htcds="TypeOfExploitation",
        aliases=("exploitation_types",),
        help=_("HTCDS TypeOfExploitation codes, separated by semicolons (or NotKnown)."),
    ),
    Column("organised_crime", aliases=("organized_crime",), help=_("Organised crime involved: yes, no or unknown.")),
    Column("recruitment_places", help=_("Places of recruitment, separated by semicolons.")),
    Column("transit_places", help=_("Places of transit, separated by semicolons.")),
    Column("exploitation_places", help=_("Places of exploitation, separated by semicolons.")),
    Column("legal_representation", help=_("Legal representation given: yes, no or unknown.")),
    Column(
        "legal_representation_from",
        LEGAL,
        help=_("Date the organisation began to represent the victim or family in the proceeding."),
    ),
    Column(
        "legal_representation_until",
        LEGAL,
        help=_("Date the representation ended (with a sentence or when the proceeding was declined)."),
    ),
    Column("legal_representation_end", LEGAL, help=_("How the representation ended: sentenced or declined.")),
    Column("complaint_filed_on", LEGAL, help=_("Date the complaint was filed.")),
    Column(
        "investigation_file",
        LEGAL,
        aliases=("file_number", "carpeta_de_investigacion"),
        help=_("Number of the investigation file (carpeta de investigación)."),
    ),
    Column("sentence_on", LEGAL, help=_("Date of the sentence (whatever its result).")),
    Column("conviction_on", LEGAL, help=_("Date of a conviction.")),
    Column("consent_statistics", help=_("Consent to use the case in statistics: granted, refused or unknown.")),
)
BY_NAME = {c.name: c for c in COLUMNS}

SERVICE_FIELDS = ("type", "on", "cost", "currency", "recipient")
EXPENSE_FIELDS = ("category", "on", "amount", "currency")
REPEATED = {"service": (SERVICES, SERVICE_FIELDS), "expense": (EXPENSES, EXPENSE_FIELDS)}
_REPEATED_HEADER = re.compile(r"^(service|expense)(\d{1,2})(\w+)$")

# Header keys (the column's name, aliases and HTCDS name) → column name.
_KEYS: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.name, *_column.aliases, *([_column.htcds] if _column.htcds else [])):
        _KEYS[key(_name)] = _column.name


@dataclass(frozen=True)
class Repeated:
    """A numbered column of a repeated group: service 2's cost is Repeated("service", 2, "cost")."""

    kind: str
    number: int
    field: str

    @property
    def name(self) -> str:
        return f"{self.kind}_{self.number}_{self.field}"

    @property
    def group(self) -> str:
        return REPEATED[self.kind][0]


def column_for(header: str) -> Column | Repeated | None:
    """The column a header names, or None if it names none (a header starting with # is never asked)."""
    header_key = key(header)
    name = _KEYS.get(header_key)
    if name is not None:
        return BY_NAME[name]
    match = _REPEATED_HEADER.match(header_key)
    if match:
        kind, number, field = match.group(1), int(match.group(2)), match.group(3)
        if field in REPEATED[kind][1] and number >= 1:
            return Repeated(kind, number, field)
    return None


def documented_names() -> list[str]:
    """Every column name the documentation must describe (numbered groups by their first member)."""
    return (
        [c.name for c in COLUMNS]
        + [f"service_1_{f}" for f in SERVICE_FIELDS]
        + [f"expense_1_{f}" for f in EXPENSE_FIELDS]
    )


_WORD = re.compile(r"[\w-]+")


def help_html(column: Column) -> SafeString:
    """The column's help in the current language, its codes (the words kept as in the English text) as <code>.

    The help lists the values a file may contain by their codes ("female, male, intersex or unknown"); the Spanish
    and Portuguese texts keep those codes, so marking them shows the reader they are values, not untranslated words.
    """
    text = str(column.help)
    if translation.get_language() in (None, "en") or not text:
        return escape(text)
    with translation.override("en"):
        english = set(_WORD.findall(str(column.help)))
    kept = english & set(_WORD.findall(text))
    if not kept:
        return escape(text)
    pieces = _WORD.split(text)  # the text between the words
    words = _WORD.findall(text)
    html = [str(escape(pieces[0]))]
    for word, gap in zip(words, pieces[1:], strict=True):
        html.append(f"<code>{escape(word)}</code>" if word in kept else str(escape(word)))
        html.append(str(escape(gap)))
    return mark_safe("".join(html))
