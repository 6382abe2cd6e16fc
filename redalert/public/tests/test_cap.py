"""CAP 1.2 messages of public cases, validated against the official OASIS schema."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from redalert.cases.choices import CaseStatus
from redalert.cases.lifecycle import TransitionRequest, transition
from redalert.public.cap import localized_exposures
from redalert.public.cap_xml import (
    CAP_NS,
    CapError,
    build_cancel,
    build_cap,
    cap_datetime,
    reference_to,
)
from redalert.public.exposure import public_case_or_404
from redalert.public.services import publication_for, set_public
from redalert.public.tests.test_feeds import (
    assert_nothing_private,
    publish,
    record_consent,
    sensitive_case,
    withdraw,
)

SCHEMA_PATH = Path(settings.BASE_DIR).parent / "shared" / "standards" / "cap" / "CAP-v1.2.xsd"
SITE = "https://alerta.example.org/"
NS = {"cap": CAP_NS}
SENT_FORMAT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$")


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    if not SCHEMA_PATH.is_file():
        pytest.skip(f"The CAP 1.2 schema is not at {SCHEMA_PATH}")
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def valid(schema: etree.XMLSchema, message: bytes) -> etree._Element:
    document = etree.fromstring(message)
    assert schema.validate(document), schema.error_log
    return document


def text(node: etree._Element, path: str) -> str | None:
    return node.findtext(path, namespaces=NS)


def info(document: etree._Element, language: str) -> etree._Element:
    (block,) = [i for i in document.findall("cap:info", NS) if text(i, "cap:language") == language]
    return block


def event_codes(block: etree._Element) -> list[tuple[str | None, str | None]]:
    return [(text(c, "cap:valueName"), text(c, "cap:value")) for c in block.findall("cap:eventCode", NS)]


def exposed(public_id: str) -> Any:
    case, public_case = public_case_or_404(public_id)
    return public_case, localized_exposures(case)


@pytest.fixture
def minor(make_case, org_a, coordinator):
    """María Fernanda, 17 when last seen in Santiago de Querétaro (a town with coordinates), with a photo."""
    return publish(make_case(org_a, coordinator, physical_description="Long black hair"), coordinator, photo=True)


def test_alert_for_a_minor_is_valid_cap_with_one_info_per_language(schema, minor):
    public_case, localized = exposed(minor.public_id)

    document = valid(schema, build_cap(public_case, site_url=SITE, localized=localized))

    identifier = text(document, "cap:identifier")
    assert identifier.startswith(f"alerta.example.org/{minor.public_id}/")
    assert not set(identifier) & set(" ,<&")
    assert text(document, "cap:sender") == "alerta-roja@alerta.example.org"
    assert SENT_FORMAT.match(text(document, "cap:sent"))
    assert [text(document, f"cap:{t}") for t in ("status", "msgType", "scope")] == ["Actual", "Alert", "Public"]
    assert [text(i, "cap:language") for i in document.findall("cap:info", NS)] == ["es", "en"]
    en = info(document, "en")
    assert [text(en, f"cap:{t}") for t in ("category", "event", "urgency", "severity", "certainty")] == [
        "Rescue",
        "Missing person",
        "Immediate",
        "Severe",
        "Likely",
    ]
    assert ("SAME", "CAE") in event_codes(en)
    assert text(en, "cap:senderName") == "Red de Búsqueda A"
    assert text(en, "cap:headline") == "LOOKING FOR: María Fernanda López Hernández"
    description = text(en, "cap:description")
    assert "Age when last seen: 17." in description
    assert "Last seen on March 1, 2026 in Santiago de Querétaro, Querétaro, Mexico." in description
    assert "Long black hair" in description
    assert text(en, "cap:web") == f"https://alerta.example.org/se-busca/{minor.public_id}/"
    assert text(en, "cap:resource/cap:resourceDesc") == "Photo"
    assert text(en, "cap:resource/cap:mimeType") == "image/jpeg"
    assert text(en, "cap:resource/cap:uri") == f"https://alerta.example.org/se-busca/{minor.public_id}/foto-480.jpg"
    assert text(en, "cap:area/cap:areaDesc") == "Santiago de Querétaro, Querétaro, Mexico"
    assert text(en, "cap:area/cap:circle") == "20.58806,-100.38806 10"
    assert text(info(document, "es"), "cap:area/cap:areaDesc") == "Santiago de Querétaro, Querétaro, México"


def test_alert_for_an_adult_has_no_child_abduction_code(schema, make_case, org_a, coordinator):
    publication = publish(make_case(org_a, coordinator, birth_date=date(1990, 1, 5)), coordinator)
    public_case, localized = exposed(publication.public_id)

    document = valid(schema, build_cap(public_case, site_url=SITE, localized=localized))

    for block in document.findall("cap:info", NS):
        assert ("SAME", "CAE") not in event_codes(block)
    assert "Age when last seen: 36." in text(info(document, "en"), "cap:description")


def test_alert_without_photo_nor_coordinates(schema, make_case, org_a, coordinator, places):
    publication = publish(make_case(org_a, coordinator, last_seen_place=places["qro"]), coordinator)
    public_case, localized = exposed(publication.public_id)

    document = valid(schema, build_cap(public_case, site_url=SITE, localized=localized))

    en = info(document, "en")
    assert en.find("cap:resource", NS) is None
    assert en.find("cap:area/cap:circle", NS) is None
    assert text(en, "cap:area/cap:areaDesc") == "Querétaro, Mexico"
    geocodes = [(text(g, "cap:valueName"), text(g, "cap:value")) for g in en.findall("cap:area/cap:geocode", NS)]
    assert geocodes == [("ISO3166-1", "MX"), ("ISO3166-2", "MX-QUE")]


def test_accents_survive_and_the_hidden_age_gives_no_child_code(schema, make_case, org_a, coordinator):
    publication = publish(
        make_case(org_a, coordinator, given_names="Ana Sofía", first_surname="Núñez", second_surname="Peña"),
        coordinator,
        show_age=False,
        public_summary="Le gusta el café & la música <banda>.",
    )
    public_case, localized = exposed(publication.public_id)

    message = build_cap(public_case, site_url=SITE, localized=localized)

    document = valid(schema, message)
    en = info(document, "en")
    assert text(en, "cap:headline") == "LOOKING FOR: Ana Sofía Núñez Peña"
    assert "Le gusta el café & la música <banda>." in text(en, "cap:description")
    assert "Age" not in text(en, "cap:description")
    assert ("SAME", "CAE") not in event_codes(en)
    assert message.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "Núñez".encode() in message


def test_update_and_cancel_reference_the_earlier_message(schema, minor):
    public_case, localized = exposed(minor.public_id)
    alert = build_cap(public_case, site_url=SITE, localized=localized)
    reference = reference_to(alert)

    later = public_case.updated_at + timedelta(hours=2)
    update = valid(
        schema,
        build_cap(public_case, site_url=SITE, msg_type="Update", references=[reference], version=later),
    )
    assert text(update, "cap:msgType") == "Update"
    assert text(update, "cap:references") == str(reference)
    assert str(reference).split(",")[1] == text(etree.fromstring(alert), "cap:identifier")
    assert text(update, "cap:identifier") != reference.identifier

    cancel = valid(
        schema,
        build_cap(
            public_case,
            site_url=SITE,
            msg_type="Cancel",
            references=[reference, reference_to(etree.tostring(update))],
            version=later + timedelta(hours=1),
        ),
    )
    assert text(cancel, "cap:msgType") == "Cancel"
    assert len(text(cancel, "cap:references").split(" ")) == 2

    with pytest.raises(CapError):
        build_cap(public_case, site_url=SITE, msg_type="Update")
    with pytest.raises(CapError):
        build_cap(public_case, site_url=SITE, msg_type="Ack", references=[reference])


def test_a_cancel_after_withdrawal_says_nothing_about_her(schema, minor):
    public_case, _localized = exposed(minor.public_id)
    reference = reference_to(build_cap(public_case, site_url=SITE))

    message = build_cancel(site_url=SITE, references=[reference])

    document = valid(schema, message)
    assert text(document, "cap:msgType") == "Cancel"
    assert document.find("cap:info", NS) is None
    assert b"Fernanda" not in message
    assert minor.public_id.encode() in message  # only inside the reference to the earlier message


def test_restricted_and_private_scopes(schema, minor):
    public_case, _localized = exposed(minor.public_id)

    restricted = valid(
        schema,
        build_cap(public_case, site_url=SITE, scope="Restricted", restriction="Law enforcement and prosecutors only"),
    )
    assert text(restricted, "cap:scope") == "Restricted"
    assert text(restricted, "cap:restriction") == "Law enforcement and prosecutors only"

    private = valid(
        schema,
        build_cap(public_case, site_url=SITE, scope="Private", addresses=["fiscalia@example.gob.mx", "Unidad Alba"]),
    )
    assert text(private, "cap:addresses") == 'fiscalia@example.gob.mx "Unidad Alba"'

    with pytest.raises(CapError):
        build_cap(public_case, site_url=SITE, scope="Restricted")
    with pytest.raises(CapError):
        build_cap(public_case, site_url=SITE, scope="Private")


def test_cap_dates_have_an_offset_and_no_microseconds():
    moment = datetime(2026, 3, 1, 16, 30, 0, 123456, tzinfo=UTC)
    with timezone.override(ZoneInfo("America/Mexico_City")):
        assert cap_datetime(moment) == "2026-03-01T10:30:00-06:00"
    with timezone.override(UTC):
        assert cap_datetime(moment) == "2026-03-01T16:30:00-00:00"


def test_cap_view_serves_a_valid_message_with_nothing_private(schema, make_case, org_a, coordinator):
    case = sensitive_case(make_case, org_a, coordinator)
    publication = publish(case, coordinator, show_distinguishing_marks=False, photo=True)

    response = Client().get(reverse("public:cap", args=[publication.public_id]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/cap+xml")
    document = valid(schema, response.content)
    assert text(document, "cap:sender") == "alerta-roja@testserver"
    assert text(info(document, "en"), "cap:web") == f"http://testserver/se-busca/{publication.public_id}/"
    assert_nothing_private(response.content.decode())
    # The same public state gives the same message; a change of the publication gives a new identifier.
    assert Client().get(reverse("public:cap", args=[publication.public_id])).content == response.content
    publication.public_summary = "Any information helps."
    set_public(case, publication, True, actor=coordinator)
    again = etree.fromstring(Client().get(reverse("public:cap", args=[publication.public_id])).content)
    assert text(again, "cap:identifier") != text(document, "cap:identifier")


def test_cap_view_is_404_without_consent_after_withdrawal_and_once_located(make_case, org_a, coordinator):
    client = Client()
    unpublished = make_case(org_a, coordinator)
    record_consent(unpublished, "publish", coordinator)
    hidden_id = publication_for(unpublished).public_id
    assert client.get(reverse("public:cap", args=[hidden_id])).status_code == 404
    assert client.get(reverse("public:cap", args=["nosuchcase"])).status_code == 404

    publication = publish(make_case(org_a, coordinator), coordinator)
    url = reverse("public:cap", args=[publication.public_id])
    assert client.get(url).status_code == 200
    withdraw(publication.case, coordinator)
    assert client.get(url).status_code == 404

    located = publish(make_case(org_a, coordinator), coordinator)
    transition(located.case, TransitionRequest(CaseStatus.LOCATED_ALIVE), coordinator)
    assert client.get(reverse("public:cap", args=[located.public_id])).status_code == 404
