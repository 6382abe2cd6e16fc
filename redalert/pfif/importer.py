"""Reading a PFIF 1.4 file into the review area: parse safely, validate against the project's schema, then save
every person record with its notes for one organisation, in one transaction (a bad file saves nothing).

Accepted: a `pfif:pfif` document (persons with nested notes, and top-level notes that name their person) or an Atom
feed whose entries carry `pfif:person` elements (as redalert.pfif.export writes). Records whose expiry_date has
passed are instructions to delete: a pending review record with that id is removed, nothing is created.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from redalert.accounts.models import Organisation, User
from redalert.pfif.export import ATOM_NS, PFIF_NS, P
from redalert.pfif.models import ImportedNote, ImportedPerson, ReviewStatus

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "pfif-1.4.xsd"
MAX_BYTES = 10 * 1024 * 1024
PERSON_FIELDS = [
    "source_name",
    "source_url",
    "author_name",
    "full_name",
    "given_name",
    "family_name",
    "alternate_names",
    "description",
    "sex",
    "age",
    "date_of_birth",
    "home_city",
    "home_state",
    "home_country",
    "photo_url",
]
NOTE_FIELDS = ["status", "author_name", "last_known_location", "text"]


class PfifError(ValueError):
    """The file cannot be imported; the message is for the coordinator, in her language."""


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    removed: int = 0
    skipped: list[str] = field(default_factory=list)  # records already reviewed: left as they are


_schema: etree.XMLSchema | None = None


def schema() -> etree.XMLSchema:
    global _schema
    if _schema is None:
        _schema = etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))
    return _schema


def parse(data: bytes) -> list[etree._Element]:
    """The pfif:person elements of a file, each valid PFIF 1.4 with its notes; PfifError otherwise."""
    if len(data) > MAX_BYTES:
        raise PfifError(_("The file is too large (at most 10 MB)."))
    # No entities, no network, no huge trees: an uploaded file must not make the server read anything else.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise PfifError(_("The file is not valid XML: %(error)s") % {"error": exc.msg}) from exc
    if root.getroottree().docinfo.doctype:  # PFIF has no DTD: a DOCTYPE only ever brings entities
        raise PfifError(_("The file declares a DOCTYPE or entities, which PFIF 1.4 files never do."))
    if root.tag == P + "pfif":
        documents = [root]
        persons = root.findall(P + "person")
    elif root.tag == f"{{{ATOM_NS}}}feed":
        documents = []
        persons = root.findall(f"{{{ATOM_NS}}}entry/{P}person")
    else:
        raise PfifError(
            _("This is not a PFIF 1.4 file: the document must be pfif:pfif or an Atom feed (namespace %(ns)s).")
            % {"ns": PFIF_NS}
        )
    for element in documents or persons:
        try:
            valid = schema().validate(element)
        except etree.XMLSchemaValidateError as exc:
            raise PfifError(_("The file does not follow PFIF 1.4.")) from exc
        if not valid:
            error = schema().error_log.last_error
            raise PfifError(
                _("The file does not follow PFIF 1.4 (line %(line)s): %(error)s")
                % {"line": error.line if error else "?", "error": error.message if error else ""}
            )
    if not persons:
        raise PfifError(_("The file has no person records."))
    loose = root.findall(P + "note") if documents else []
    for note in loose:  # top-level notes go to their person
        for person in persons:
            if person.findtext(P + "person_record_id") == note.findtext(P + "person_record_id"):
                person.append(note)
    return persons


def _date(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def import_file(data: bytes, *, organisation: Organisation, actor: User) -> Summary:
    """Save the file's records into the organisation's review area (all or nothing)."""
    persons = parse(data)
    now = timezone.now()
    summary = Summary()
    with transaction.atomic():
        for person in persons:
            record_id = person.findtext(P + "person_record_id") or ""
            expiry = _date(person.findtext(P + "expiry_date"))
            existing = ImportedPerson.objects.filter(organisation=organisation, record_id=record_id).first()
            if expiry is not None and expiry <= now:
                if existing is not None and existing.status == ReviewStatus.PENDING:
                    existing.delete()
                    summary.removed += 1
                continue
            if existing is not None and existing.status != ReviewStatus.PENDING:
                summary.skipped.append(record_id)
                continue
            values = {name: (person.findtext(P + name) or "").strip() for name in PERSON_FIELDS}
            values["home_country"] = values["home_country"][:2]
            values["entry_date"] = _date(person.findtext(P + "entry_date"))
            values["expiry_date"] = expiry
            if existing is None:
                record = ImportedPerson.objects.create(
                    organisation=organisation, record_id=record_id, imported_by=actor, **values
                )
                summary.created += 1
            else:
                for name, value in values.items():
                    setattr(existing, name, value)
                existing.save()
                existing.notes.all().delete()
                record = existing
                summary.updated += 1
            ImportedNote.objects.bulk_create(
                ImportedNote(
                    person=record,
                    note_record_id=note.findtext(P + "note_record_id") or "",
                    entry_date=_date(note.findtext(P + "entry_date")),
                    **{name: (note.findtext(P + name) or "").strip() for name in NOTE_FIELDS},
                )
                for note in person.findall(P + "note")
            )
    return summary
