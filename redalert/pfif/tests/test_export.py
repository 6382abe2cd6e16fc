"""The public PFIF 1.4 export: valid against the project's schema, consent-gated, nothing private, expired records."""

from __future__ import annotations

from datetime import datetime

from django.test import override_settings
from django.utils import timezone

from redalert.cases.choices import CaseStatus
from redalert.cases.lifecycle import TransitionRequest, transition
from redalert.cases.models import FamilyContact
from redalert.cases.services import add_family_contact
from redalert.consent.choices import Purpose
from redalert.pfif.tests.helpers import ATOM, P, fetch_atom, fetch_xml, persons, publish, validate, withdraw
from redalert.testing import record_consent

SITE = "https://alerta.example.org"
PRIVATE = {
    "reporter_name": "Rosa Perez Cruz",
    "reporter_phone": "+524421234567",
    "reporter_email": "rosa.perez@example.org",
    "last_seen_place_detail": "Calle Hidalgo 12, frente a la tienda",
    "last_seen_latitude": "20.61234",
    "last_seen_longitude": "-100.41234",
    "circumstances": "Salio a la escuela y no regreso",
    "aliases": "La Flaca",
}
PRIVATE_STRINGS = [
    "Rosa Perez",
    "4421234567",
    "rosa.perez@example.org",
    "Calle Hidalgo",
    "20.61234",
    "100.41234",
    "Salio a la escuela",
    "La Flaca",
    "Avenida Juarez 455",
    "5512345678",
]


def sensitive_case(make_case, org, user, **overrides):
    case = make_case(org, user, **{**PRIVATE, **overrides})
    add_family_contact(
        case,
        FamilyContact(name="Pedro Perez", relationship="father", phone="+525512345678", address="Avenida Juarez 455"),
        actor=user,
    )
    return case


@override_settings(SITE_URL=SITE)
def test_published_case_is_a_valid_pfif_person_with_a_sought_note(make_case, org_a, coordinator):
    case = sensitive_case(make_case, org_a, coordinator)
    publish(case, coordinator, public_summary="Ayúdanos a encontrarla.")
    public_id = case.publication.public_id

    body, root = fetch_xml()

    record = persons(root)[f"alerta.example.org/{public_id}"]
    assert record.findtext(P + "person_record_id").split("/")[1] != str(case.pk)
    assert record.findtext(P + "full_name") == "María Fernanda López Hernández"
    assert record.findtext(P + "given_name") == "María Fernanda"
    assert record.findtext(P + "family_name") == "López Hernández"
    assert record.findtext(P + "age") is not None
    assert record.findtext(P + "home_country") == "MX"
    assert record.findtext(P + "home_street") is None and record.findtext(P + "home_postal_code") is None
    assert record.findtext(P + "source_url") == f"{SITE}/se-busca/{public_id}/"
    assert record.findtext(P + "author_name") == org_a.name
    assert record.findtext(P + "photo_url") is None  # no photo published
    assert datetime.fromisoformat(record.findtext(P + "expiry_date")) > timezone.now()
    [note] = record.findall(P + "note")
    assert note.findtext(P + "status") == "information_sought"
    assert note.findtext(P + "person_record_id") == f"alerta.example.org/{public_id}"
    text = body.decode()
    for private in PRIVATE_STRINGS:
        assert private not in text, private


@override_settings(SITE_URL=SITE)
def test_hidden_age_is_not_exported(make_case, org_a, coordinator):
    case = make_case(org_a, coordinator)
    publish(case, coordinator, show_age=False)
    _body, root = fetch_xml()
    assert persons(root)[f"alerta.example.org/{case.publication.public_id}"].findtext(P + "age") is None


@override_settings(SITE_URL=SITE)
def test_without_consent_nothing_is_exported(make_case, org_a, coordinator):
    never = make_case(org_a, coordinator, given_names="Nunca")
    record_consent(never, Purpose.PUBLISH, coordinator)  # consent, but staff never published it

    body, root = fetch_xml()

    assert persons(root) == {}
    assert b"Nunca" not in body


@override_settings(SITE_URL=SITE)
def test_withdrawal_turns_the_record_into_an_expired_one_without_personal_fields(make_case, org_a, coordinator):
    case = sensitive_case(make_case, org_a, coordinator, given_names="Retirada")
    publish(case, coordinator)
    rid = f"alerta.example.org/{case.publication.public_id}"
    assert persons(fetch_xml()[1])[rid].findtext(P + "full_name")

    withdraw(case, coordinator)

    for body, root in (fetch_xml(), fetch_atom()):
        record = persons(root)[rid]
        assert [child.tag for child in record] == [P + "person_record_id", P + "entry_date", P + "expiry_date"]
        assert datetime.fromisoformat(record.findtext(P + "expiry_date")) < timezone.now()
        assert b"Retirada" not in body and b"L\xc3\xb3pez" not in body


@override_settings(SITE_URL=SITE)
def test_located_case_says_located_and_nothing_more(make_case, org_a, coordinator):
    case = make_case(org_a, coordinator, physical_description="Cabello largo castaño")
    publish(case, coordinator)
    transition(case, TransitionRequest(CaseStatus.LOCATED_DECEASED), coordinator)

    body, root = fetch_xml()

    record = persons(root)[f"alerta.example.org/{case.publication.public_id}"]
    [note] = record.findall(P + "note")
    assert note.findtext(P + "status") is None  # the public site does not say alive or dead: neither does PFIF
    assert b"believed_dead" not in body and b"Cabello largo" not in body


@override_settings(SITE_URL=SITE)
def test_atom_feed_carries_one_valid_pfif_person_per_entry(make_case, org_a, org_b, coordinator, make_user):
    other = make_user(org_b, "coordinator")
    first = make_case(org_a, coordinator)
    second = make_case(org_b, other, given_names="Ana")
    publish(first, coordinator)
    publish(second, other)

    _body, feed = fetch_atom()

    entries = feed.findall(ATOM + "entry")
    assert len(entries) == 2
    for entry in entries:
        person = entry.find(P + "person")
        validate(person)
        assert entry.findtext(ATOM + "id") == "pfif:" + person.findtext(P + "person_record_id")
    assert {e.findtext(ATOM + "author/" + ATOM + "name") for e in entries} == {org_a.name, org_b.name}
