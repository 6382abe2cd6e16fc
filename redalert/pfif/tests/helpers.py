"""Shared by the PFIF tests: the schema, fetching the public export, publishing and withdrawing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse
from lxml import etree

from redalert.consent.choices import Decision, Purpose
from redalert.testing import make_public, record_consent

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "pfif-1.4.xsd"
SCHEMA = etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))
P = "{http://zesty.ca/pfif/1.4}"
ATOM = "{http://www.w3.org/2005/Atom}"


def validate(element: etree._Element) -> None:
    """Fails with the schema's own message when the element is not valid PFIF 1.4."""
    if not SCHEMA.validate(element):
        raise AssertionError(str(SCHEMA.error_log))


def fetch_xml(client: Client | None = None) -> tuple[bytes, etree._Element]:
    response = (client or Client(HTTP_ACCEPT_LANGUAGE="es")).get(reverse("pfif:xml"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert response["Cache-Control"] == "no-cache"
    root = etree.fromstring(response.content)
    validate(root)
    return response.content, root


def fetch_atom(client: Client | None = None) -> tuple[bytes, etree._Element]:
    response = (client or Client(HTTP_ACCEPT_LANGUAGE="es")).get(reverse("pfif:atom"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert response["Cache-Control"] == "no-cache"
    feed = etree.fromstring(response.content)
    for person in feed.iter(P + "person"):
        validate(person)
    return response.content, feed


def persons(root: etree._Element) -> dict[str, etree._Element]:
    return {p.findtext(P + "person_record_id"): p for p in root.iter(P + "person")}


def publish(case: Any, user: Any, **choices: Any) -> Any:
    return make_public(case, user, **choices)


def withdraw(case: Any, user: Any) -> None:
    record_consent(case, Purpose.PUBLISH, user, decision=Decision.WITHDRAWN)
