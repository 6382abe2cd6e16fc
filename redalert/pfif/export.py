"""PFIF 1.4 export of the published cases: a `pfif:pfif` document and an Atom feed of `pfif:person` entries.

Everything comes from redalert.public.exposure: the cases from public_cases() (public, current consent to publish,
searched for or located) and their data from exposure(). Nothing else of a case is read. A case that was published
once (its Publication has a published_at) but that public_cases() no longer admits — consent withdrawn, unpublished,
closed, merged — is written as an expired record: its record id, an entry date and an expiry date in the past, and
no personal field at all, so that aggregators that copied it delete their copy (PFIF 1.4, section 3.2, expiry_date).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from lxml import etree

from redalert.public.exposure import (
    PublicCase,
    exposure,
    public_cases,
    public_contacts,
    with_public_relations,
)
from redalert.public.feeds import entry_summary
from redalert.public.models import Publication

PFIF_NS = "http://zesty.ca/pfif/1.4"
ATOM_NS = "http://www.w3.org/2005/Atom"
P = f"{{{PFIF_NS}}}"
A = f"{{{ATOM_NS}}}"
NSMAP = {"pfif": PFIF_NS}
# Live records say when copies must be dropped if our feed stops being read: aggregators re-read well within this.
LIVE_DAYS = 30
PHOTO_SIZE = 600  # one of redalert.public.images.VARIANT_SIZES

INFORMATION_SOUGHT = "information_sought"


def domain() -> str:
    """The home repository's domain: the public site's host name (PFIF 1.4, section 2, record ids)."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def record_id(public_id: str) -> str:
    return f"{domain()}/{public_id}"


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Expired:
    public_id: str


def published_now() -> list[PublicCase]:
    """Every public case (missing and located), oldest change first; one contact lookup per organisation."""
    cases = list(with_public_relations(public_cases()).order_by("publication__published_at", "pk"))
    contacts = public_contacts({case.organisation_id for case in cases})
    exposed = [exposure(case, contact=contacts[case.organisation_id]) for case in cases]
    return sorted(exposed, key=lambda item: (item.updated_at, item.public_id))


def no_longer_public() -> list[Expired]:
    """Public ids that were published once and that public_cases() does not admit now."""
    ids = (
        Publication.objects.filter(published_at__isnull=False)
        .exclude(case__in=public_cases())
        .order_by("pk")
        .values_list("public_id", flat=True)
    )
    return [Expired(public_id) for public_id in ids]


def _add(parent: etree._Element, name: str, value: object) -> None:
    if value is None or value == "":
        return
    etree.SubElement(parent, P + name).text = str(value)


def _place(item: PublicCase) -> tuple[str, str, str]:
    """(home_city, home_state, home_country): the gazetteer place last seen, never an address."""
    place = item.place
    city = place.name if place.kind == "locality" else ""
    if place.kind == "subdivision":
        state = place.name
    elif place.subdivision_id is not None and place.subdivision is not None:
        state = place.subdivision.name
    else:
        state = ""
    return city, state, (item.country_code or "").upper()


def _description(item: PublicCase) -> str:
    parts = [item.summary, item.physical_description, item.distinguishing_marks, item.clothing]
    return "\n".join(part for part in parts if part)


def person_element(item: PublicCase, now: datetime) -> etree._Element:
    """One pfif:person with its notes, from the exposure of a public case only."""
    person = etree.Element(P + "person", nsmap=NSMAP)
    rid = record_id(item.public_id)
    page = absolute(reverse("public:case", args=[item.public_id]))
    _add(person, "person_record_id", rid)
    _add(person, "entry_date", utc(item.updated_at))
    _add(person, "expiry_date", utc(now + timedelta(days=LIVE_DAYS)))
    _add(person, "author_name", item.contact.organisation)
    _add(person, "source_name", item.contact.organisation)
    _add(person, "source_date", utc(item.published_at or item.updated_at))
    _add(person, "source_url", page)
    _add(person, "full_name", item.full_name)
    _add(person, "given_name", item.given_names)
    family = item.full_name[len(item.given_names) :].strip() if item.full_name.startswith(item.given_names) else ""
    _add(person, "family_name", family)
    _add(person, "description", _description(item))
    _add(person, "age", item.age)
    city, state, country = _place(item)
    _add(person, "home_city", city)
    _add(person, "home_state", state)
    _add(person, "home_country", country)
    if item.photo_id is not None:
        _add(person, "photo_url", absolute(reverse("public:photo", args=[item.public_id, PHOTO_SIZE])))
    person.append(_note(item, rid))
    return person


def _note(item: PublicCase, rid: str) -> etree._Element:
    """The public status as a note: searched for, or located (the site never says alive or dead: neither do we)."""
    note = etree.Element(P + "note", nsmap=NSMAP)
    if item.is_missing:
        _add(note, "note_record_id", f"{rid}.sought")
        _add(note, "person_record_id", rid)
        _add(note, "entry_date", utc(item.published_at or item.updated_at))
        _add(note, "author_name", item.contact.organisation)
        _add(note, "status", INFORMATION_SOUGHT)
        _add(note, "last_known_location", item.place_label)
        _add(note, "text", entry_summary(item))
    else:
        _add(note, "note_record_id", f"{rid}.located")
        _add(note, "person_record_id", rid)
        _add(note, "entry_date", utc(item.updated_at))
        _add(note, "author_name", item.contact.organisation)
        located = date_format(item.located_on, "DATE_FORMAT") if item.located_on else ""
        _add(note, "text", _("Located on %(date)s.") % {"date": located} if located else _("Located."))
    return note


def expired_element(expired: Expired, now: datetime) -> etree._Element:
    """A record to delete: id and dates only (PFIF 1.4: a past expiry_date means the record must be removed)."""
    person = etree.Element(P + "person", nsmap=NSMAP)
    _add(person, "person_record_id", record_id(expired.public_id))
    _add(person, "entry_date", utc(now))
    _add(person, "expiry_date", utc(now - timedelta(days=1)))
    return person


def records(now: datetime) -> Iterable[etree._Element]:
    for item in published_now():
        yield person_element(item, now)
    for expired in no_longer_public():
        yield expired_element(expired, now)


def pfif_document(now: datetime | None = None) -> bytes:
    now = now or timezone.now()
    root = etree.Element(P + "pfif", nsmap=NSMAP)
    for person in records(now):
        root.append(person)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def atom_document(now: datetime | None = None) -> bytes:
    """An Atom 1.0 feed with one entry per person record, the pfif:person inside it (PFIF 1.4, section 5)."""
    now = now or timezone.now()
    feed = etree.Element(A + "feed", nsmap={None: ATOM_NS, "pfif": PFIF_NS})
    etree.SubElement(feed, A + "id").text = absolute(reverse("pfif:atom"))
    etree.SubElement(feed, A + "title").text = _("People searched for (PFIF 1.4)")
    etree.SubElement(feed, A + "updated").text = utc(now)
    etree.SubElement(feed, A + "link", rel="self", href=absolute(reverse("pfif:atom")))
    for person in records(now):
        entry = etree.SubElement(feed, A + "entry")
        rid = person.findtext(P + "person_record_id") or ""
        etree.SubElement(entry, A + "id").text = f"pfif:{rid}"
        etree.SubElement(entry, A + "title").text = person.findtext(P + "full_name") or rid
        author = etree.SubElement(entry, A + "author")
        etree.SubElement(author, A + "name").text = person.findtext(P + "author_name") or domain()
        etree.SubElement(entry, A + "updated").text = person.findtext(P + "entry_date") or utc(now)
        source_url = person.findtext(P + "source_url")
        if source_url:
            etree.SubElement(entry, A + "link", rel="alternate", href=source_url)
        entry.append(person)
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8", pretty_print=True)
