"""A realistic, made-up history of an organisation's cases, 2006–2014, whose yearly report for 2014 gives the
figures CATW-LAC published for its Red Alert System (seed 000 of the project):

    In 2014, CATW-LAC worked on 228 cases: 78 new and 150 from previous years. Of the 228 cases, 212 were female
    (93 percent). It was able to locate 84 victims (37 percent): 69 alive (82 percent) and 15 deceased
    (18 percent). It began 2015 with 144 unresolved cases. During 2014 it provided legal assistance and
    representation in 86 cases. In its nine years of operation (2006–2014): 1,314 victims located.

Every person, date and file number is invented (no real case is described); names, places and ages are of the
kind the organisation's files hold. Only the columns documented in docs/import.md are used; places are written in
the forms the import accepts (gazetteer codes, former ISO codes such as `GT-AV` and `MX-DIF`, "place, state,
country"). The file is deterministic: the same rows on every run.

    python redalert/imports/samples/published_history.py > history.csv
    manage.py import_cases history.csv --organisation CODE --user USERNAME
    manage.py yearly_report --organisation CODE --year 2014 --format csv --output -

Needs the gazetteer (`manage.py load_places`). The test redalert/imports/tests/test_published_year.py imports it
and checks every published figure; docs/import.md ("Reproducing a published year") explains how each figure comes
out of the columns.
"""

from __future__ import annotations

import csv
import random
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TextIO

# The figures as published (seed 000), and the day of the grant application, which the publication does not give:
# assumed to be 31 March 2015 (see APPLICATION_DAY below).
PUBLISHED = {
    "year": 2014,
    "worked": 228,
    "new": 78,
    "carried_over": 150,
    "female": 212,
    "female_percent": 93,
    "located": 84,
    "located_percent": 37,
    "alive": 69,
    "alive_percent": 82,
    "deceased": 15,
    "deceased_percent": 18,
    "carried_into_next": 144,
    "legal_representation": 86,
    "located_2006_2014": 1314,
    "not_located_at_application": 114,
}
APPLICATION_DAY = date(2015, 3, 31)

# Cases located in each year before 2014 (with the 84 of 2014: 1,314 in nine years).
LOCATED_BEFORE = {2006: 104, 2007: 126, 2008: 145, 2009: 152, 2010: 165, 2011: 172, 2012: 185, 2013: 181}
CLOSED_NOT_LOCATED_BEFORE = 40  # closed without being located, 2007–2013 (not searched for in 2014)
FOLLOW_UP_2014 = 60  # located 2011–2013 and still in follow-up during 2014 (35 never closed, 25 closed 2014–2016)
CARRIED_LOCATED, CARRIED_NOT = 50, 100  # the 150 carried over into 2014: located in 2014, or not
NEW_LOCATED, NEW_NOT = 34, 44  # the 78 new in 2014
LOCATED_EARLY_2015 = 30  # of the 144 carried into 2015, located by the grant application (144 − 30 = 114)

HEADER = [
    "case_reference", "reported_on", "report_channel", "given_names", "first_surname", "second_surname", "sex",
    "gender", "age_at_disappearance", "nationalities", "indigenous", "indigenous_people", "last_seen_on",
    "last_seen_place", "status", "status_on", "located_on", "located_place", "outcome", "how_located", "closed_on",
    "closure_reason", "trafficking_status", "type_of_exploitation", "organised_crime", "recruitment_places",
    "exploitation_places", "legal_representation", "legal_representation_from", "legal_representation_until",
    "legal_representation_end", "complaint_filed_on", "investigation_file", "sentence_on", "conviction_on",
    "consent_statistics", "service_1_type", "service_1_on", "service_1_cost", "service_1_currency",
]  # fmt: skip

GIVEN_FEMALE = [
    "María Fernanda", "Guadalupe", "Ana Karen", "Itzel", "Brenda", "Jazmín", "Diana Laura", "Yesenia", "Rosa María",
    "Alejandra", "Daniela", "Karla Ivonne", "Lucía", "Mariana", "Paola", "Citlali", "Xóchitl", "Sandra", "Leticia",
    "Nayeli", "Fátima", "Valeria", "Ximena", "Araceli", "Elena", "Juana", "Margarita", "Wendy", "Yolanda", "Zulema",
]  # fmt: skip
GIVEN_MALE = ["José Luis", "Juan Carlos", "Miguel Ángel", "Luis Fernando", "Kevin", "Brayan", "Jesús", "Óscar"]
GIVEN_UNKNOWN = ["", "N. N."]  # the file names no one, or only a nickname was known
SURNAMES = [
    "Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez", "Cruz",
    "Flores", "Gómez", "Morales", "Vázquez", "Reyes", "Jiménez", "Torres", "Díaz", "Gutiérrez", "Ruiz", "Mendoza",
    "Aguilar", "Ortiz", "Castillo", "Chávez", "Domínguez", "Méndez", "Santiago", "Velasco", "Xolot",
]  # fmt: skip
MAYAN_SURNAMES = ["Coc", "Caal", "Pop", "Choc", "Tzul", "Xol", "Ixcoy", "Tum"]

# (place as written in the file, nationality, indigenous people common there); weights follow the rows.
PLACES_MX = [
    ("Puebla, Puebla, México", ""),
    ("Tehuacán, Puebla, México", "Nahua"),
    ("MX-PUE", ""),
    ("Tlaxcala de Xicohténcatl", ""),
    ("MX-TLA", "Nahua"),
    ("MX-DIF", ""),  # former code of Ciudad de México
    ("Ciudad de México", ""),
    ("Ecatepec de Morelos, México, México", ""),
    ("Nezahualcóyotl, México, México", ""),
    ("Toluca, México, México", "Mazahua"),
    ("Oaxaca de Juárez, Oaxaca, México", "Zapoteco"),
    ("Juchitán de Zaragoza, Oaxaca, México", "Zapoteco"),
    ("Tapachula, Chiapas, México", "Mam"),
    ("San Cristóbal de las Casas, Chiapas, México", "Tsotsil"),
    ("Comitán de Domínguez, Chiapas, México", "Tojolabal"),
    ("Veracruz, Veracruz, México", ""),
    ("Xalapa, Veracruz, México", ""),
    ("Acapulco de Juárez, Guerrero, México", "Mixteco"),
    ("Cuernavaca, Morelos, México", ""),
    ("Cancún, Quintana Roo, México", "Maya"),
    ("Tijuana, Baja California, México", ""),
    ("Ciudad Juárez, Chihuahua, México", ""),
    ("Guadalajara, Jalisco, México", ""),
    ("Monterrey, Nuevo León, México", ""),
]
PLACES_CA = [
    ("GT-AV", "GT", "Q'eqchi'"),  # former code of Alta Verapaz
    ("Cobán, Alta Verapaz, Guatemala", "GT", "Q'eqchi'"),
    ("GT-QZ", "GT", "K'iche'"),  # former code of Quetzaltenango
    ("Huehuetenango, Guatemala", "GT", "Mam"),
    ("Guatemala, Guatemala", "GT", ""),
    ("San Salvador, El Salvador", "SV", ""),
    ("Santa Ana, El Salvador", "SV", ""),
    ("Tegucigalpa, Honduras", "HN", ""),
    ("San Pedro Sula, Honduras", "HN", ""),
    ("Managua, Nicaragua", "NI", ""),
]
EXPLOITATION_MX = [
    "Cancún, Quintana Roo, México", "Tijuana, Baja California, México", "Ciudad de México",
    "Tapachula, Chiapas, México", "Acapulco de Juárez, Guerrero, México", "Guadalajara, Jalisco, México",
    "Monterrey, Nuevo León, México",
]  # fmt: skip
CLOSURE_NOT_LOCATED = [
    "La familia desistió de la búsqueda",
    "Sin contacto con la familia desde hace más de un año",
    "Caso remitido a la fiscalía especializada",
]
CLOSURE_LOCATED = ["Acompañamiento concluido", "Reintegrada con su familia", "Servicios concluidos"]
HOW = ["rescue_operation", "family", "authorities", "tip", "returned"]


@dataclass
class Case:
    """One row of the file, as it is decided before it is written."""

    reported: date
    located: date | None = None
    closed: date | None = None
    deceased: bool = False
    follow_up_from: date | None = None  # status follow_up from this day
    status: str = "not_located"
    sex: str = "female"
    legal: Legal | None = None


@dataclass
class Legal:
    """The organisation's legal representation of her or her family."""

    start: date
    until: date | None = None
    end: str = ""  # sentenced or declined, with `until`
    complaint: date | None = None


class History:
    def __init__(self, seed: int = 14) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (made-up sample data, the same on every run)
        self.cases: list[Case] = []

    def day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def after(self, start: date, low: int, high: int, last: date | None = None) -> date:
        end = start + timedelta(days=self.rng.randint(low, high))
        return min(end, last) if last is not None else end

    def build(self) -> list[Case]:
        rng = self.rng
        # Located in 2006–2013: reported up to two years before, most cases closed within two years of it.
        located_earlier: list[Case] = []
        for year, count in LOCATED_BEFORE.items():
            for _ in range(count):
                located = self.day(date(year, 1, 10), date(year, 12, 28))
                reported = max(date(2006, 1, 3), located - timedelta(days=rng.randint(2, 700)))
                deceased = rng.random() < 0.16
                case = Case(reported, located=located, deceased=deceased)
                case.closed = self.after(located, 20, 700, last=date(2013, 12, 31))
                case.status = "closed"
                located_earlier.append(case)
        # Some located in 2011–2013 are in follow-up during 2014: never closed, or closed 2014–2016.
        recent = [c for c in located_earlier if c.located is not None and c.located.year >= 2011]
        follow_up = rng.sample(recent, FOLLOW_UP_2014)
        for index, case in enumerate(follow_up):
            assert case.located is not None
            if index < 35:
                case.closed = None
                if index < 20:
                    case.status = "follow_up"
                    case.follow_up_from = self.after(case.located, 0, 30, last=date(2013, 12, 31))
                else:  # located and never formally closed: no longer searched for, not worked in 2014
                    case.status = "located_deceased" if case.deceased else "located_alive"
            else:
                case.closed = self.day(date(2014, 1, 2), date(2016, 6, 30))
        # Closed without being located before 2014.
        closed_not_located = []
        for _ in range(CLOSED_NOT_LOCATED_BEFORE):
            reported = self.day(date(2006, 2, 1), date(2012, 6, 30))
            case = Case(reported, closed=self.after(reported, 180, 900, last=date(2013, 11, 30)), status="closed")
            closed_not_located.append(case)
        # Carried over into 2014: reported 2006–2013, still searched for on 31 December 2013.
        carried = []
        for index in range(CARRIED_LOCATED + CARRIED_NOT):
            first = date(2006, 3, 1) if index % 5 == 0 else date(2011, 1, 1)
            carried.append(Case(self.day(first, date(2013, 12, 20))))
        new = [Case(self.day(date(2014, 1, 2), date(2014, 12, 27))) for _ in range(NEW_LOCATED + NEW_NOT)]
        located_2014 = carried[:CARRIED_LOCATED] + new[:NEW_LOCATED]
        for case in located_2014:
            first = max(case.reported + timedelta(days=1), date(2014, 1, 1))
            case.located = self.day(first, max(first, date(2014, 12, 30)))
        deceased_2014 = set(rng.sample(range(len(located_2014)), PUBLISHED["deceased"]))
        for index, case in enumerate(located_2014):
            assert case.located is not None
            case.deceased = index in deceased_2014
            kind = index % 4
            if kind == 0:
                case.status = "located_deceased" if case.deceased else "located_alive"
            elif kind == 1 and not case.deceased:
                case.status = "follow_up"
                case.follow_up_from = self.after(case.located, 0, 20)
            else:
                case.status = "closed"
                case.closed = self.after(case.located, 10, 500)
        # Carried into 2015: some located by the grant application, a few later, a few closed much later.
        unresolved = carried[CARRIED_LOCATED:] + new[NEW_LOCATED:]
        for index, case in enumerate(unresolved):
            if index < LOCATED_EARLY_2015:
                case.located = self.day(date(2015, 1, 5), APPLICATION_DAY)
                case.status = "located_alive"
            elif index < LOCATED_EARLY_2015 + 12:
                case.located = self.day(APPLICATION_DAY + timedelta(days=1), date(2019, 12, 31))
                case.deceased = index % 3 == 0
                case.status = "located_deceased" if case.deceased else "located_alive"
            elif index < LOCATED_EARLY_2015 + 20:
                case.closed = self.day(date(2016, 1, 15), date(2020, 12, 31))
                case.status = "closed"
        worked = carried + new
        self.assign_sex(worked, located_earlier + closed_not_located)
        self.assign_legal(carried, new, follow_up, located_earlier, carried[CARRIED_LOCATED:])
        cases = located_earlier + closed_not_located + worked
        cases.sort(key=lambda c: c.reported)
        return cases

    def assign_sex(self, worked: list[Case], others: list[Case]) -> None:
        others_2014 = self.rng.sample(range(len(worked)), PUBLISHED["worked"] - PUBLISHED["female"])
        for position, index in enumerate(others_2014):
            worked[index].sex = "male" if position < 11 else "unknown"
        for case in others:
            draw = self.rng.random()
            case.sex = "male" if draw < 0.05 else "unknown" if draw < 0.07 else "female"

    def assign_legal(
        self,
        carried: list[Case],
        new: list[Case],
        follow_up: list[Case],
        located_earlier: list[Case],
        carried_not_located: list[Case],
    ) -> None:
        """86 cases with legal representation under way in 2014, and some whose representation ended before."""
        rng = self.rng
        pool = rng.sample(carried, 58)
        for case in pool[:40]:  # began before 2014, still under way
            case.legal = Legal(self.day(case.reported, max(case.reported, date(2013, 12, 31))))
        for index, case in enumerate(pool[40:50]):  # began before 2014, ended in 2014
            start = self.day(case.reported, max(case.reported, date(2013, 12, 31)))
            end = self.day(date(2014, 1, 2), date(2014, 12, 30))
            case.legal = Legal(start, end, "sentenced" if index < 6 else "declined")
        for index, case in enumerate(pool[50:58]):  # ended before 2014: not counted in 2014
            start = min(case.reported + timedelta(days=rng.randint(1, 30)), max(case.reported, date(2013, 12, 1)))
            end = self.day(start, max(start, date(2013, 12, 20)))
            case.legal = Legal(start, end, "declined" if index % 2 else "sentenced")
        for case in rng.sample(new, 20):  # began in 2014
            case.legal = Legal(self.after(case.reported, 1, 60, last=date(2014, 12, 31)))
        for index, case in enumerate(rng.sample(follow_up, 16)):  # followed up after she was located
            assert case.located is not None
            start = max(case.reported, case.located - timedelta(days=rng.randint(0, 200)))
            case.legal = Legal(start)
            if index < 5:
                case.legal.until, case.legal.end = self.day(date(2014, 2, 1), date(2014, 11, 30)), "sentenced"
        done = [c for c in located_earlier if c.status == "closed" and c.closed and c.closed.year <= 2013]
        for case in rng.sample(done, 15):  # the case closed before 2014: its representation ended before
            assert case.located is not None and case.closed is not None
            start = self.day(case.reported, case.located)
            case.legal = Legal(start, self.day(start, case.closed), "sentenced")
        for case in carried + new + follow_up + located_earlier:
            if case.legal is None:
                continue
            first, last = case.legal.start, case.legal.until
            draw = rng.random()
            if draw < 0.25 and first > case.reported:  # the family filed it before the organisation came in
                case.legal.complaint = self.day(case.reported, first)
            elif draw < 0.5:  # the organisation represented her months before the complaint was filed
                case.legal.complaint = self.after(first, 30, 400, last=last)
            elif draw < 0.85:
                case.legal.complaint = first


def person(rng: random.Random, case: Case) -> dict[str, str]:
    central_american = rng.random() < 0.22
    if central_american:
        place, nationality, people = rng.choice(PLACES_CA)
    else:
        place, people = rng.choice(PLACES_MX)
        nationality = "MX"
    indigenous = "yes" if people and rng.random() < 0.5 else rng.choice(["no", "no", ""])
    surnames = MAYAN_SURNAMES if indigenous == "yes" and nationality == "GT" else SURNAMES
    if case.sex == "female":
        given, age = rng.choice(GIVEN_FEMALE), rng.choice([13, 14, 15, 15, 16, 16, 17, 17, 18, 19, 20, 22, 24, 27, 31])
    elif case.sex == "male":
        given, age = rng.choice(GIVEN_MALE), rng.choice([7, 9, 11, 12, 14, 15, 16, 19])
    else:
        given, age = rng.choice(GIVEN_UNKNOWN), rng.choice([14, 16, 0])
    return {
        "given_names": given,
        "first_surname": rng.choice(surnames) if given else "",
        "second_surname": rng.choice(surnames) if given and rng.random() < 0.8 else "",
        "sex": case.sex,
        "gender": {"female": "Feminine", "male": "Masculine"}.get(case.sex, ""),
        "age_at_disappearance": "" if rng.random() < 0.07 or age == 0 else str(age),
        "nationalities": nationality if rng.random() < 0.93 else "",
        "indigenous": indigenous,
        "indigenous_people": people if indigenous == "yes" else "",
        "last_seen_place": place,
    }


def row(rng: random.Random, number: int, case: Case) -> dict[str, str]:
    iso = date.isoformat
    values = {name: "" for name in HEADER}
    values.update(person(rng, case))
    seen = case.reported - timedelta(days=rng.choice([0, 0, 1, 1, 2, 3, 5, 8, 15]))
    values.update(
        case_reference=f"AR/{case.reported.year}/{number:03d}",
        reported_on=iso(case.reported),
        report_channel=rng.choice(["family", "family", "family", "hotline", "authority", "public"]),
        last_seen_on=iso(seen),
        status=case.status,
        consent_statistics=rng.choice(["granted", "granted", "granted", ""]),
    )
    if case.located is not None:
        values.update(
            located_on=iso(case.located),
            outcome="deceased" if case.deceased else "alive",
            how_located=rng.choice(HOW),
            located_place=rng.choice(EXPLOITATION_MX) if rng.random() < 0.4 else "",
        )
        if not case.deceased and rng.random() < 0.5:
            values.update(
                service_1_type=rng.choice(["psychological", "medical", "transitional_home", "legal_advice"]),
                service_1_on=iso(case.located + timedelta(days=rng.randint(0, 10))),
                service_1_cost=rng.choice(["0", "", "1850.00", "3200.50"]),
            )
            if values["service_1_cost"]:
                values["service_1_currency"] = "MXN"
    if case.follow_up_from is not None:
        values["status_on"] = iso(case.follow_up_from)
    if case.closed is not None:
        values["closed_on"] = iso(case.closed)
        values["closure_reason"] = rng.choice(CLOSURE_LOCATED if case.located else CLOSURE_NOT_LOCATED)
    if rng.random() < 0.6:
        values.update(
            trafficking_status=rng.choice(["PossibleVictimOfTrafficking", "ActualVictimOfTrafficking"]),
            type_of_exploitation=rng.choice(["SexualExploitation", "SexualExploitation; ForcedLabour", "NotKnown"]),
            organised_crime=rng.choice(["yes", "unknown", ""]),
            recruitment_places=values["last_seen_place"],
            exploitation_places=rng.choice(EXPLOITATION_MX) if rng.random() < 0.5 else "",
        )
    legal = case.legal
    if legal is not None:
        values.update(legal_representation="yes", legal_representation_from=iso(legal.start))
        if legal.complaint is not None:
            values["complaint_filed_on"] = iso(legal.complaint)
            values["investigation_file"] = f"CI/FEVIMTRA/{rng.randint(100, 999)}/{legal.complaint.year}"
        if legal.until is not None:
            values.update(legal_representation_until=iso(legal.until), legal_representation_end=legal.end)
            if legal.end == "sentenced":
                values.update(sentence_on=iso(legal.until), conviction_on=iso(legal.until))
    elif rng.random() < 0.05:
        values["legal_representation"] = "no"
    return values


def rows(seed: int = 14) -> list[dict[str, str]]:
    """The file's rows, in the order of the report dates."""
    history = History(seed)
    cases = history.build()
    rng = random.Random(seed + 1)  # noqa: S311 (made-up sample data)
    numbers: dict[int, int] = {}
    result = []
    for case in cases:  # the organisation's own references: numbered within the year of the report
        numbers[case.reported.year] = numbers.get(case.reported.year, 0) + 1
        result.append(row(rng, numbers[case.reported.year], case))
    return result


def write(out: TextIO, seed: int = 14) -> None:
    writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows(seed))


if __name__ == "__main__":
    write(sys.stdout)
