"""The Atom feed of public missing cases: only consented, public, searched-for cases, only exposed data."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from PIL import Image

from redalert import testing
from redalert.cases.choices import CaseStatus
from redalert.cases.lifecycle import TransitionRequest, transition
from redalert.cases.models import FamilyContact
from redalert.cases.photos import clean_photo
from redalert.cases.services import add_family_contact, add_photo
from redalert.consent.choices import Decision, Purpose
from redalert.consent.models import ConsentRecord
from redalert.public import feeds
from redalert.public.models import Publication
from redalert.public.services import publication_for, set_public

ATOM = "{http://www.w3.org/2005/Atom}"

# Everything here is in the case file but must never reach a public output.
PRIVATE_FIELDS: dict[str, Any] = {
    "reporter_name": "Rosa Perez Cruz",
    "reporter_phone": "+524421234567",
    "reporter_email": "rosa.perez@example.org",
    "last_seen_place_detail": "Calle Hidalgo 12, frente a la tienda",
    "last_seen_latitude": "20.61234",
    "last_seen_longitude": "-100.41234",
    "circumstances": "Left for school and never came back",
    "aliases": "La Flaca",
    "ethnicity": "Otomi",
}
HIDDEN_MARKS = "Swallow tattoo on the left wrist"
PRIVATE_STRINGS = [
    "Rosa Perez",
    "4421234567",
    "rosa.perez@example.org",
    "Calle Hidalgo",
    "20.61234",
    "100.41234",
    "Left for school",
    "La Flaca",
    "Otomi",
    "Avenida Juarez 455",
    "Pedro Perez",
    "5512345678",
    HIDDEN_MARKS,
]


def record_consent(case: Any, purpose: str, user: Any, decision: str = Decision.GRANTED) -> ConsentRecord:
    # The giver's name is one of PRIVATE_STRINGS: it must never reach a public output.
    return testing.record_consent(case, purpose, user, decision, given_by="Rosa Perez Cruz")


def jpeg(width: int = 300, height: int = 400) -> Any:
    out = BytesIO()
    Image.new("RGB", (width, height), (120, 80, 60)).save(out, format="JPEG")
    size = out.tell()
    out.seek(0)
    return clean_photo(out, size)


def publish(case: Any, user: Any, *, photo: bool = False, **publication_fields: Any) -> Publication:
    """Consent to open the file and to publish, move to active search, and show the case on the public site."""
    record_consent(case, Purpose.OPEN_FILE, user)
    record_consent(case, Purpose.PUBLISH, user)
    transition(case, TransitionRequest(CaseStatus.VERIFICATION), user)
    transition(case, TransitionRequest(CaseStatus.ACTIVE_SEARCH), user)
    publication = publication_for(case)
    if photo:
        publication.photo = add_photo(case, jpeg(), caption="", actor=user)
    for name, value in publication_fields.items():
        setattr(publication, name, value)
    return set_public(case, publication, True, actor=user)


def withdraw(case: Any, user: Any) -> None:
    record_consent(case, Purpose.PUBLISH, user, decision=Decision.WITHDRAWN)


def sensitive_case(make_case: Any, org: Any, user: Any, **overrides: Any) -> Any:
    """A case whose file holds private data of every kind, and whose publication hides the marks."""
    case = make_case(org, user, **{**PRIVATE_FIELDS, "distinguishing_marks": HIDDEN_MARKS, **overrides})
    add_family_contact(
        case,
        FamilyContact(
            name="Pedro Perez", relationship="father", phone="+525512345678", address="Avenida Juarez 455, Centro"
        ),
        actor=user,
    )
    return case


def assert_nothing_private(text: str) -> None:
    for private in PRIVATE_STRINGS:
        assert private not in text, private


@pytest.fixture
def public_client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def fetch(client: Client) -> etree._Element:
    response = client.get(reverse("public:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert response["Cache-Control"] == "no-cache"
    return etree.fromstring(response.content)


def entries(feed: etree._Element) -> list[etree._Element]:
    return feed.findall(f"{ATOM}entry")


def test_feed_lists_a_public_missing_case_with_its_exposed_facts(public_client, make_case, org_a, coordinator):
    case = sensitive_case(make_case, org_a, coordinator, physical_description="Long black hair")
    publication = publish(case, coordinator, show_distinguishing_marks=False)

    feed = fetch(public_client)

    (entry,) = entries(feed)
    assert entry.findtext(f"{ATOM}title") == "LOOKING FOR: María Fernanda López Hernández"
    link = entry.find(f"{ATOM}link").get("href")
    assert link == f"http://testserver/se-busca/{publication.public_id}/"
    assert entry.findtext(f"{ATOM}id") == link
    summary = entry.findtext(f"{ATOM}summary")
    assert "17 years old" in summary
    assert "Santiago de Querétaro, Querétaro, Mexico" in summary
    assert "March 1, 2026" in summary
    assert entry.findtext(f"{ATOM}updated")
    assert entry.findtext(f"{ATOM}published")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Red de Búsqueda A"


def test_feed_shows_nothing_private_nor_hidden(public_client, make_case, org_a, coordinator):
    case = sensitive_case(make_case, org_a, coordinator)
    publish(case, coordinator, show_distinguishing_marks=False, show_age=False)

    response = public_client.get(reverse("public:feed"))

    text = response.content.decode()
    assert_nothing_private(text)
    assert "years old" not in text  # the age is hidden too
    assert "LOOKING FOR: María Fernanda" in text


def test_feed_leaves_out_cases_not_public_without_consent_withdrawn_or_located(
    public_client, make_case, org_a, coordinator
):
    shown = make_case(org_a, coordinator, given_names="Shown")
    publish(shown, coordinator)
    never_published = make_case(org_a, coordinator, given_names="Unpublished")
    record_consent(never_published, Purpose.PUBLISH, coordinator)
    no_consent = make_case(org_a, coordinator, given_names="Refused")
    publish(no_consent, coordinator)
    record_consent(no_consent, Purpose.PUBLISH, coordinator, decision=Decision.REFUSED)
    withdrawn = make_case(org_a, coordinator, given_names="Withdrawn")
    publish(withdrawn, coordinator)
    withdraw(withdrawn, coordinator)
    located = make_case(org_a, coordinator, given_names="Located")
    publish(located, coordinator)
    transition(located, TransitionRequest(CaseStatus.LOCATED_ALIVE), coordinator)

    titles = [e.findtext(f"{ATOM}title") for e in entries(fetch(public_client))]

    assert titles == ["LOOKING FOR: Shown López Hernández"]


def test_feed_is_newest_published_first_and_capped(public_client, make_case, org_a, coordinator, monkeypatch):
    for n, name in enumerate(["Old", "Middle", "New"]):
        publication = publish(make_case(org_a, coordinator, given_names=name), coordinator)
        Publication.objects.filter(pk=publication.pk).update(published_at=timezone.now() + timedelta(hours=n))

    titles = [e.findtext(f"{ATOM}title") for e in entries(fetch(public_client))]
    assert [t.split()[2] for t in titles] == ["New", "Middle", "Old"]

    monkeypatch.setattr(feeds, "FEED_SIZE", 2)
    assert len(entries(fetch(public_client))) == 2


def test_feed_queries_do_not_grow_with_entries(public_client, make_case, org_a, org_b, coordinator, make_user):
    other = make_user(org_b, "coordinator")
    publish(make_case(org_a, coordinator), coordinator)
    publish(make_case(org_b, other), other)
    with CaptureQueriesContext(connection) as few:
        fetch(public_client)
    for _ in range(3):
        publish(make_case(org_a, coordinator), coordinator)
        publish(make_case(org_b, other), other)
    with CaptureQueriesContext(connection) as many:
        assert len(entries(fetch(public_client))) == 8
    assert len(many) == len(few)


def test_feed_is_public_and_empty_when_nothing_is_published(db, public_client):
    feed = fetch(public_client)
    assert entries(feed) == []
    assert feed.findtext(f"{ATOM}title") == "Looking for"
