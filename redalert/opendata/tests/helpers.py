"""Set-up shared by the open-data tests: cases with consent to statistics, trafficking facts and a route."""

from __future__ import annotations

from datetime import date
from typing import Any

from redalert.consent.choices import Decision, Purpose
from redalert.investigation.models import LinkedPerson, TraffickingEvent, TraffickingFacts
from redalert.testing import record_consent

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

# Everything identifying or free text that make_case and `add_facts` write: none of it may leave without identifiers.
SECRETS = (
    "María Fernanda",
    "López",
    "Hernández",
    "2008-05-14",
    "Calle Hidalgo",
    "Salió a la escuela",
    "+524421234567",
    "Santiago de Querétaro",
    "Tlaxcala de Xicohténcatl",
    "RBA-2026",
    "Rosa",
    "Juan el Güero",
    "+525512345678",
    "Hotel Las Palmas",
    "prometió trabajo",
    "la llevaron en camioneta",
    "Bar La Noche",
    "notas de hechos",
)


def statistics_consent(case: Any, by: Any, decision: str = Decision.GRANTED) -> Any:
    return record_consent(case, Purpose.STATISTICS, by, decision)


def add_facts(case: Any, by: Any, places: dict[str, Any], **overrides: Any) -> TraffickingFacts:
    """Facts, a two-stop route and a perpetrator, with free text everywhere it can be written."""
    values: dict[str, Any] = {
        "trafficking_status": "ActualVictimOfTrafficking",
        "methods_of_recruitment": ["ThroughOnlineSocialNetworks"],
        "recruitment_detail": "Le prometió trabajo de mesera",
        "websites_apps": ["Facebook"],
        "methods_of_control": ["PhysicalThreats", "PsychologicalAbuse"],
        "exploitation_types": ["SexualExploitation"],
        "sex_exploitation_types": ["Prostitution"],
        "relationship_to_trafficker": "Acquainted",
        "organised_crime": "yes",
        "notes": "notas de hechos",
    }
    values.update(overrides)
    facts = TraffickingFacts.objects.create(case=case, updated_by=by, **values)
    TraffickingEvent.objects.create(
        case=case,
        event_type="Recruitment",
        place=places["qro_city"],
        place_detail="Hotel Las Palmas",
        on=date(2026, 2, 20),
        description="la llevaron en camioneta",
        recorded_by=by,
    )
    TraffickingEvent.objects.create(
        case=case,
        event_type="Exploitation",
        place=places["tlax_city"],
        place_detail="Bar La Noche",
        on=None,
        recorded_by=by,
    )
    LinkedPerson.objects.create(
        case=case,
        link="perpetrator",
        name="Juan el Güero",
        role_in_process="RecruiterOrIntermediary",
        phones="+525512345678",
        venues="Bar La Noche",
        created_by=by,
    )
    return facts
