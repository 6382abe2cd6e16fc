"""The shapes the API reads and writes (pydantic, through django-ninja). Field names follow the models."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

from ninja import Field, Schema

from redalert.api.problems import Problem

MAX_ID = 2**62  # ids are 64-bit: anything larger names nothing
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Text = Annotated[str, Field(max_length=5000)]
Line = Annotated[str, Field(max_length=300)]

ERRORS: dict[int, type[Problem]] = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}


class PlaceOut(Schema):
    id: int
    label: str


class PersonOut(Schema):
    given_names: str
    first_surname: str
    second_surname: str
    aliases: str
    sex: str
    gender: str
    birth_date: date | None
    estimated_age: int | None
    age_at_disappearance: int | None
    nationalities: list[str]
    ethnicity: str
    indigenous: str
    indigenous_people: str
    languages: list[str]
    height_cm: int | None
    physical_description: str
    distinguishing_marks: str
    clothing: str


class CaseSummary(Schema):
    id: int
    reference: str
    status: str
    reported_at: datetime
    last_seen_on: date
    last_seen_place: PlaceOut | None
    given_names: str
    first_surname: str
    second_surname: str
    age_at_disappearance: int | None


class CasePage(Schema):
    items: list[CaseSummary]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; null on the last page.")


class CaseOut(Schema):
    """The general sections of a case. Phones, e-mails, exact coordinates and circumstances are accepted on intake
    and edits but never returned (least exposure): the case file's pages show them to her team."""

    id: int
    reference: str
    status: str
    status_changed_at: datetime
    reported_at: datetime
    report_channel: str
    reporter_name: str
    reporter_relationship: str
    last_seen_on: date
    last_seen_time: time | None
    last_seen_place: PlaceOut | None
    located_on: date | None
    closed_on: date | None
    person: PersonOut
    allowed_transitions: list[str]
    etag: str = Field(description="The same value as the ETag header: send it as If-Match to change the case.")


class PersonIn(Schema):
    given_names: Annotated[str, Field(max_length=150)]
    first_surname: Annotated[str, Field(max_length=100)] = ""
    second_surname: Annotated[str, Field(max_length=100)] = ""
    aliases: Line = ""
    sex: str = "unknown"
    gender: str = "NonSpecifiedUnknown"
    birth_date: date | None = None
    estimated_age: Annotated[int, Field(ge=0, le=150)] | None = None
    nationalities: list[Annotated[str, Field(max_length=2)]] = []
    ethnicity: Annotated[str, Field(max_length=100)] = ""
    indigenous: str = "unknown"
    indigenous_people: Annotated[str, Field(max_length=100)] = ""
    languages: list[Annotated[str, Field(max_length=60)]] = Field(
        [], description="ISO 639-3 codes or language names (Spanish or English)."
    )
    height_cm: Annotated[int, Field(ge=30, le=250)] | None = None
    physical_description: Text = ""
    distinguishing_marks: Text = ""
    clothing: Text = ""


class CaseIn(Schema):
    """A report, as the intake form takes it. The place is a gazetteer id (GET /places?q=… on the staff site)."""

    reported_at: datetime
    report_channel: str = Field(description="family, public, authority, hotline or other")
    reporter_name: Annotated[str, Field(max_length=200)] = ""
    reporter_relationship: str = "unknown"
    reporter_phone: Annotated[str, Field(max_length=40)] = ""
    reporter_email: Annotated[str, Field(max_length=254)] = ""
    last_seen_on: date
    last_seen_time: time | None = None
    last_seen_place: Id
    last_seen_place_detail: Line = ""
    last_seen_latitude: Annotated[str, Field(max_length=20)] = ""
    last_seen_longitude: Annotated[str, Field(max_length=20)] = ""
    circumstances: Text = ""
    person: PersonIn


class PersonPatch(Schema):
    given_names: Annotated[str, Field(max_length=150)] | None = None
    first_surname: Annotated[str, Field(max_length=100)] | None = None
    second_surname: Annotated[str, Field(max_length=100)] | None = None
    aliases: Line | None = None
    sex: str | None = None
    gender: str | None = None
    birth_date: date | None = None
    estimated_age: Annotated[int, Field(ge=0, le=150)] | None = None
    nationalities: list[Annotated[str, Field(max_length=2)]] | None = None
    ethnicity: Annotated[str, Field(max_length=100)] | None = None
    indigenous: str | None = None
    indigenous_people: Annotated[str, Field(max_length=100)] | None = None
    languages: list[Annotated[str, Field(max_length=60)]] | None = None
    height_cm: Annotated[int, Field(ge=30, le=250)] | None = None
    physical_description: Text | None = None
    distinguishing_marks: Text | None = None
    clothing: Text | None = None


class CasePatch(Schema):
    """Only the fields sent change (a field sent as null is cleared where the form allows it)."""

    reported_at: datetime | None = None
    report_channel: str | None = None
    reporter_name: Annotated[str, Field(max_length=200)] | None = None
    reporter_relationship: str | None = None
    reporter_phone: Annotated[str, Field(max_length=40)] | None = None
    reporter_email: Annotated[str, Field(max_length=254)] | None = None
    last_seen_on: date | None = None
    last_seen_time: time | None = None
    last_seen_place: Id | None = None
    last_seen_place_detail: Line | None = None
    last_seen_latitude: Annotated[str, Field(max_length=20)] | None = None
    last_seen_longitude: Annotated[str, Field(max_length=20)] | None = None
    circumstances: Text | None = None
    person: PersonPatch | None = None


class TransitionIn(Schema):
    to: Annotated[str, Field(max_length=30)]
    on: date | None = None
    reason: Line = ""


class NoteOut(Schema):
    id: int
    section: str
    body: str
    created_at: datetime


class ConsentOut(Schema):
    id: int
    purpose: str
    decision: str
    given_by_name: str
    given_by_relationship: str
    method: str
    witness_name: str
    decided_on: date
    notes: str
    recorded_at: datetime


class ConsentIn(Schema):
    purpose: Annotated[str, Field(max_length=24)]
    decision: Annotated[str, Field(max_length=10)]
    given_by_name: Annotated[str, Field(max_length=200)]
    given_by_relationship: Annotated[str, Field(max_length=20)]
    method: Annotated[str, Field(max_length=20)]
    witness_name: Annotated[str, Field(max_length=200)] = ""
    decided_on: date
    notes: Annotated[str, Field(max_length=500)] = ""


class CurrentConsentOut(Schema):
    purpose: str
    decision: str | None = Field(description="The decision in force, null when none was recorded (unknown).")
    decided_on: date | None


class ConsentList(Schema):
    current: list[CurrentConsentOut]
    records: list[ConsentOut]


class TipOut(Schema):
    """A tip without the tipster's contact (never given through the API) and without exact coordinates."""

    id: int
    case_id: int
    code: str
    received_at: datetime
    language: str
    seen_on: date | None
    seen_time: time | None
    place: PlaceOut | None
    description: str
    status: str
    is_spam: bool
    allowed_moves: list[str]


class TipPage(Schema):
    items: list[TipOut]
    next_cursor: str | None = None


class TriageIn(Schema):
    to: Annotated[str, Field(max_length=20)]


class SpamIn(Schema):
    spam: bool = Field(description="true: to the spam pile; false: back to the tips")
    reason: Annotated[str, Field(max_length=200)] = ""


class MeOut(Schema):
    client: str
    key_id: str
    organisation: str
    scopes: list[str]
    expires_at: datetime


class TaskOut(Schema):
    id: int
    case_id: int
    kind: str
    title: str = Field(description="The title; system tasks (Protocolo Alba checkpoints…) are named by their kind.")
    owner_id: int
    due_at: datetime
    done_at: datetime | None
    is_overdue: bool


class TaskIn(Schema):
    title: Annotated[str, Field(max_length=200)] = Field(description="What must be done. No names or personal data.")
    owner: Id = Field(description="Id of a member on the case's team.")
    due_at: datetime


class OutcomeOut(Schema):
    """How the search ended (the details, encrypted, stay on the case's pages)."""

    result: str
    on: date
    place: PlaceOut | None
    how: str
    family_support_open: bool
    recorded_at: datetime


class OutcomeAnswer(Schema):
    outcome: OutcomeOut | None = Field(description="null while no outcome is recorded.")


class OutcomeIn(Schema):
    result: Annotated[str, Field(max_length=20)] = Field(description="located_alive or located_deceased")
    on: date
    how: Annotated[str, Field(max_length=20)] = "unknown"
    place: Id | None = None
    details: Annotated[str, Field(max_length=10000)] = ""


class AuthorityOut(Schema):
    id: int
    name: str
    level: str
    kind: str
    proposed: bool = Field(description="Proposed for this case: its jurisdiction and the federal level.")


class AcknowledgementOut(Schema):
    at: datetime
    name: str
    position: str


class RecipientOut(Schema):
    authority_id: int
    authority: str
    channel: str
    state: str = Field(description="queued, sent, failed or withheld")
    reason: str
    sent_at: datetime | None
    attempts: int
    reminders: int
    acknowledgement: AcknowledgementOut | None


class AlertOut(Schema):
    number: int
    kind: str
    original_number: int | None
    issued_at: datetime
    recipients: list[RecipientOut]


class AlertIn(Schema):
    kind: Annotated[str, Field(max_length=8)] = Field(description="alert, update or cancel")
    authorities: list[Id] = Field([], description="For an alert: ids from GET /cases/{id}/alerts/authorities.")
    note: Annotated[str, Field(max_length=2000)] = ""


class ReportOut(Schema):
    """A report of the disappearance: the first one (on the case: `first`, `id` null) or a further one. The
    reporter's phone, e-mail and what she said are never returned."""

    id: int | None
    first: bool
    reported_at: datetime
    channel: str
    reporter_name: str
    reporter_relationship: str
    added_at: datetime
    score: float | None = Field(description="The match score shown when a further report was added at intake.")


class ReporterOut(Schema):
    name: str
    relationship: str
    reports: int
    channels: list[str]
    first_reported_at: datetime
    last_reported_at: datetime


class ReportIn(Schema):
    """A further report of the same disappearance (another reporter, another channel)."""

    reported_at: datetime
    report_channel: str = Field(description="family, public, authority, hotline or other")
    reporter_name: Annotated[str, Field(max_length=200)] = ""
    reporter_relationship: str = "unknown"
    reporter_phone: Annotated[str, Field(max_length=40)] = ""
    reporter_email: Annotated[str, Field(max_length=254)] = ""
    narrative: Text = Field("", description="What the reporter said (stored encrypted, never returned).")


class FoundPhotoOut(Schema):
    id: int
    width: int
    height: int
    uploaded_at: datetime


class FoundPairOut(Schema):
    case_id: int
    score: float
    status: str = Field(description="proposed, confirmed or rejected")


class FoundOut(Schema):
    """A record of the register of people found. The exact place, how she was found and the reporting contact stay
    on the pages (private); photos are listed only for roles that may see them (the files stay on the pages)."""

    id: int
    reference: str
    condition: str
    found_on: date
    found_place: PlaceOut | None
    age_min: int | None
    age_max: int | None
    sex: str
    height_cm: int | None
    names: str
    physical_description: str
    distinguishing_marks: str
    clothing: str
    reported_by_kind: str
    reported_by_institution: str
    linked_case_id: int | None = Field(description="The case she was identified as, if the client may read it.")
    recorded_at: datetime
    photos: list[FoundPhotoOut]
    pairs: list[FoundPairOut] = Field(description="Cases that may be her, only those the client may read.")


class FoundPage(Schema):
    items: list[FoundOut]
    next_cursor: str | None = None


class FoundIn(Schema):
    condition: str = Field(description="alive or deceased")
    found_on: date
    found_place: Id | None = None
    found_place_detail: Line = ""
    age_min: Annotated[int, Field(ge=0, le=150)] | None = None
    age_max: Annotated[int, Field(ge=0, le=150)] | None = None
    sex: str = "unknown"
    height_cm: Annotated[int, Field(ge=30, le=250)] | None = None
    names: Line = ""
    physical_description: Text = ""
    distinguishing_marks: Text = ""
    clothing: Text = ""
    circumstances: Text = ""
    reported_by_kind: str = Field(description="shelter, hospital, forensic, authority, staff or other")
    reported_by_institution: Annotated[str, Field(max_length=200)] = ""
    reporter_contact: Line = ""
