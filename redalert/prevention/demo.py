"""Synthetic prevention activities for the demo data (everything here is invented).

`seed_prevention(organisation, rng, years)` writes a plausible register for one organisation: talks in schools,
workshops for prosecutors and police, coordination meetings, campaigns and media work, in the states of the
organisation's country. Some activities have no number of participants, some a total without a breakdown, some
only part of one, so that the summaries show "not recorded" beside real zeros. Every row keeps the rule of
redalert.prevention.rules. Rows go in with one bulk insert; the caller audits the seeding as a whole.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, timedelta

from django.utils import timezone

from redalert.accounts.models import Organisation, User
from redalert.places.models import Place, PlaceKind
from redalert.prevention.choices import USUAL_REACH, ActivityType, AudienceKind, Reach
from redalert.prevention.models import Activity
from redalert.prevention.permissions import RECORDING_ROLES

THEMES = (
    "Detección e identificación de víctimas de trata",
    "Marco jurídico de la trata de personas y atención a víctimas",
    "Prevención de la captación por redes sociales",
    "Protocolo Alba: búsqueda inmediata de mujeres y niñas",
    "Derechos de las víctimas y ruta de atención",
    "Trata con fines de explotación laboral",
    "Cómo reportar una desaparición",
    "Plan de trabajo interinstitucional contra la trata",
)

AUDIENCES: dict[str, tuple[str, ...]] = {
    AudienceKind.SCHOOL: ("Secundaria técnica", "Bachillerato estatal", "Docentes de primaria", "Universidad pública"),
    AudienceKind.COMMUNITY: ("Comité vecinal", "Autoridades comunitarias indígenas", "Madres y padres de familia"),
    AudienceKind.GOVERNMENT: ("Sistema DIF estatal", "Instituto de las Mujeres", "Comisión de Derechos Humanos"),
    AudienceKind.POLICE: ("Secretaría de Seguridad Pública", "Policía municipal"),
    AudienceKind.JUSTICE: ("Fiscalía General del Estado", "Ministerio Público especializado"),
    AudienceKind.HEALTH: ("Centro de salud", "Personal de hospital general"),
    AudienceKind.PRIVATE_SECTOR: ("Asociación de hoteles", "Transportistas de pasajeros"),
    AudienceKind.MEDIA: ("Periodistas locales", "Radio comunitaria"),
    AudienceKind.NGO: ("Red de organizaciones civiles", "Albergues de la red"),
}

TYPES: tuple[tuple[str, int], ...] = (
    (ActivityType.AWARENESS_TALK, 30),
    (ActivityType.WORKSHOP, 22),
    (ActivityType.COURSE, 6),
    (ActivityType.SEMINAR, 5),
    (ActivityType.COORDINATION, 14),
    (ActivityType.TECHNICAL_ASSISTANCE, 4),
    (ActivityType.FAIR, 4),
    (ActivityType.CAMPAIGN, 6),
    (ActivityType.MATERIALS, 4),
    (ActivityType.MEDIA, 5),
)


def _years(years: int | Iterable[int], today: date) -> list[int]:
    if isinstance(years, int):
        return list(range(today.year - years + 1, today.year + 1))
    return sorted(set(years))


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _counts(rng: random.Random, activity: Activity) -> None:
    """Participants and their breakdown: sometimes missing, sometimes partial, always consistent."""
    indirect = activity.reach == Reach.INDIRECT
    roll = rng.random()
    if roll < 0.08:
        return  # total not recorded
    activity.participants = rng.randint(2000, 60000) if indirect else rng.randint(8, 140)
    if indirect or roll < 0.25:
        return  # a total without a breakdown
    total = activity.participants
    if rng.random() < 0.85:
        women, men, other = _split(rng, total, 3)
        other = other if rng.random() < 0.3 else 0
        men = total - women - other
        activity.women, activity.men, activity.sex_other = women, men, other
        if rng.random() < 0.15:
            activity.sex_other = None  # only women and men were counted
    if rng.random() < 0.6:
        if activity.audience_kind in (AudienceKind.SCHOOL, AudienceKind.COMMUNITY):
            activity.children, activity.adolescents, activity.adults = _split(rng, total, 3)
            activity.age_unknown = 0
        else:
            activity.children, activity.adolescents, activity.adults = 0, 0, total
            activity.age_unknown = None if rng.random() < 0.3 else 0


def _place(rng: random.Random, states: list[Place], country: Place | None) -> Place | None:
    """A state most of the time, else the whole country; draws the same numbers whatever the gazetteer holds."""
    national, pick = rng.random() < 0.1, rng.random()
    if national or not states:
        return country
    return states[int(pick * len(states))]


def _recorder(organisation: Organisation) -> User | None:
    members = User.objects.filter(organisation=organisation, is_active=True).order_by("pk")
    return members.filter(role_assignments__role__in=RECORDING_ROLES).first() or members.first()


def seed_prevention(
    organisation: Organisation, rng: random.Random, years: int | Iterable[int], *, per_year: tuple[int, int] = (8, 24)
) -> list[Activity]:
    """Create demo activities for `organisation` in each of `years` (a list of years, or how many up to this one).

    No date is in the future. Returns the activities created.
    """
    today = timezone.localdate()
    states = list(Place.objects.filter(kind=PlaceKind.SUBDIVISION, country_code=organisation.country).order_by("pk"))
    country = Place.objects.filter(kind=PlaceKind.COUNTRY, code=organisation.country).first()
    recorder = _recorder(organisation)
    types, weights = zip(*TYPES, strict=True)
    rows: list[Activity] = []
    for year in _years(years, today):
        first, last = date(year, 1, 1), min(date(year, 12, 31), today)
        if last < first:
            continue
        for _ in range(rng.randint(*per_year)):
            activity_type = rng.choices(types, weights)[0]
            held_on = first + timedelta(days=rng.randint(0, (last - first).days))
            kind = rng.choice(list(AUDIENCES)) if activity_type not in USUAL_REACH else AudienceKind.MIXED
            activity = Activity(
                organisation=organisation,
                held_on=held_on,
                ended_on=held_on + timedelta(days=rng.randint(1, 4))
                if activity_type in (ActivityType.COURSE, ActivityType.SEMINAR)
                else None,
                activity_type=activity_type,
                theme=rng.choice(THEMES),
                audience=rng.choice(AUDIENCES[kind]) if kind in AUDIENCES else "",
                audience_kind=kind,
                place=_place(rng, states, country),
                reach=USUAL_REACH.get(activity_type, Reach.DIRECT),
                recorded_by=recorder,
            )
            _counts(rng, activity)
            rows.append(activity)
    return Activity.objects.bulk_create(rows, batch_size=500)
