"""Red Alerts recorded as delivered: for the cases whose family consented to sharing with authorities, an alert
issued during the active search to authorities of a small directory per organisation, cancelled once she was
located. The messages are recorded as already sent, and every deadline of the escalation rules that passed without
an acknowledgement has its escalation recorded, so the outbox and escalation workers find nothing to do."""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from xml.sax.saxutils import escape

from django.conf import settings

from redalert.accounts.models import Organisation
from redalert.accounts.roles import Role
from redalert.alerts.escalation import escalation_hours
from redalert.alerts.models import (
    Acknowledgement,
    Alert,
    AlertKind,
    Authority,
    AuthorityContact,
    AuthorityType,
    ContactChannel,
    Delivery,
    Escalation,
    Level,
    Recipient,
)
from redalert.cases.models import TimelineEvent, TimelineKind
from redalert.consent.choices import Purpose
from redalert.demo.after_report.cases import CaseInfo, People, Step
from redalert.demo.after_report.places import RoutePlaces
from redalert.demo.draws import local_date, person_name
from redalert.demo.rows import Rows, tally, write_back
from redalert.outbox.models import Channel, OutboundMessage, Status
from redalert.public.cap_xml import CapReference, cap_datetime, cap_sender, site_host

ALERT_SHARE = 0.3  # of the cases that may be alerted (consent to share with authorities, searched long enough)

# The directory of authorities a demo organisation alerts: (name, level, type, country, state code, share acknowledged)
DIRECTORY: dict[str, tuple[tuple[str, str, str, str, str, float], ...]] = {
    "MX": (
        (
            "Fiscalía Especial para los Delitos de Violencia contra las Mujeres y Trata de Personas (FEVIMTRA)",
            Level.FEDERAL,
            AuthorityType.PROSECUTOR,
            "MX",
            "",
            0.7,
        ),
        ("Comisión Nacional de Búsqueda de Personas", Level.FEDERAL, AuthorityType.SEARCH_COMMISSION, "MX", "", 0.6),
        ("Instituto Nacional de Migración", Level.FEDERAL, AuthorityType.MIGRATION, "MX", "", 0.35),
        ("Comisión Nacional de los Derechos Humanos", Level.FEDERAL, AuthorityType.HUMAN_RIGHTS, "MX", "", 0.5),
    ),
    "GT": (
        (
            "Ministerio Público, Fiscalía contra la Trata de Personas",
            Level.FEDERAL,
            AuthorityType.PROSECUTOR,
            "GT",
            "",
            0.7,
        ),
        (
            "Policía Nacional Civil, División Especializada en Investigación Criminal",
            Level.FEDERAL,
            AuthorityType.POLICE,
            "GT",
            "",
            0.5,
        ),
        (
            "Secretaría contra la Violencia Sexual, Explotación y Trata de Personas (SVET)",
            Level.FEDERAL,
            AuthorityType.OTHER,
            "GT",
            "",
            0.55,
        ),
        ("Procuraduría de los Derechos Humanos", Level.FEDERAL, AuthorityType.HUMAN_RIGHTS, "GT", "", 0.45),
        ("Consulado de Guatemala en Tapachula", Level.INTERNATIONAL, AuthorityType.CONSULATE, "MX", "MX-CHP", 0.6),
    ),
    "HN": (
        (
            "Ministerio Público, Fiscalía Especial contra la Trata de Personas",
            Level.FEDERAL,
            AuthorityType.PROSECUTOR,
            "HN",
            "",
            0.65,
        ),
        (
            "Policía Nacional, Dirección Policial de Investigaciones",
            Level.FEDERAL,
            AuthorityType.POLICE,
            "HN",
            "",
            0.45,
        ),
        (
            "Comisión Interinstitucional contra la Explotación Sexual Comercial y Trata de Personas (CICESCT)",
            Level.FEDERAL,
            AuthorityType.OTHER,
            "HN",
            "",
            0.55,
        ),
        (
            "Comisionado Nacional de los Derechos Humanos (CONADEH)",
            Level.FEDERAL,
            AuthorityType.HUMAN_RIGHTS,
            "HN",
            "",
            0.45,
        ),
        ("Consulado de Honduras en Tapachula", Level.INTERNATIONAL, AuthorityType.CONSULATE, "MX", "MX-CHP", 0.6),
    ),
}
# Mexican demo organisations also alert the prosecutor of the state where she was last seen.
STATE_PROSECUTOR = "Fiscalía General del Estado de {state}"
STATE_PROSECUTOR_NAMES = {"MX-CMX": "Fiscalía General de Justicia de la Ciudad de México"}
STATE_PROSECUTOR_ACK = 0.55
ALERT_RESTRICTION = "Solo para las autoridades destinatarias: datos compartidos con el consentimiento de la familia."
ACK_ACTIONS = (
    "Se inició carpeta de investigación.",
    "Se difundió la ficha entre las corporaciones.",
    "Se activó el protocolo de búsqueda.",
    "",
    "",
)


@dataclass
class Contact:
    authority_id: int
    contact_id: int
    address: str
    ack_share: float
    kind: str


class Directory:
    """The authorities each organisation alerts (created once, kept on later runs), by role in an alert."""

    def __init__(self, organisations: Iterable[Organisation], places: RoutePlaces) -> None:
        self.prosecutor: dict[int, Contact] = {}
        self.state_prosecutors: dict[tuple[int, int], Contact] = {}
        self.others: dict[int, list[Contact]] = defaultdict(list)
        for org in organisations:
            entries = DIRECTORY.get(org.country)
            if not entries:
                continue
            for name, level, kind, country, state_code, ack in entries:
                contact = self._entry(org, name, level, kind, country, places.subdivision(state_code), ack)
                if kind == AuthorityType.PROSECUTOR and org.pk not in self.prosecutor:
                    self.prosecutor[org.pk] = contact
                else:
                    self.others[org.pk].append(contact)
            if org.country == "MX":
                for subdivision_id in places.subdivisions_of.get("MX", []):
                    state = places.subdivision_name[subdivision_id]
                    self.state_prosecutors[(org.pk, subdivision_id)] = self._entry(
                        org,
                        STATE_PROSECUTOR_NAMES.get(places.subdivision_code[subdivision_id])
                        or STATE_PROSECUTOR.format(state=state),
                        Level.STATE,
                        AuthorityType.PROSECUTOR,
                        "MX",
                        subdivision_id,
                        STATE_PROSECUTOR_ACK,
                    )

    @staticmethod
    def _entry(
        org: Organisation, name: str, level: str, kind: str, country: str, subdivision_id: int | None, ack: float
    ) -> Contact:
        authority, _created = Authority.objects.get_or_create(
            organisation=org,
            name=name,
            defaults={"level": level, "kind": kind, "country_code": country, "subdivision_id": subdivision_id},
        )
        address = f"alertas.{authority.pk}.{org.code.lower()}@example.org"
        contact = authority.contacts.filter(channel=ContactChannel.EMAIL).order_by("pk").first()
        if contact is None:
            contact = AuthorityContact.objects.create(
                authority=authority, label="Oficialía de partes", channel=ContactChannel.EMAIL, address=address
            )
        return Contact(authority.pk, contact.pk, contact.address, ack, kind)

    def recipients(self, rng: random.Random, case: CaseInfo) -> list[Contact]:
        """The prosecutor (of her state, where the directory has it), then some of the other authorities."""
        chosen: list[Contact] = []
        state = self.state_prosecutors.get((case.organisation_id, case.subdivision_id or 0))
        national = self.prosecutor.get(case.organisation_id)
        if state is not None:
            chosen.append(state)
            if national is not None and rng.random() < 0.5:
                chosen.append(national)
        elif national is not None:
            chosen.append(national)
        shares: dict[str, float] = {
            AuthorityType.SEARCH_COMMISSION: 0.7,
            AuthorityType.POLICE: 0.7,
            AuthorityType.OTHER: 0.4,
            AuthorityType.CONSULATE: 0.8 if case.place_country == "MX" else 0.0,
            AuthorityType.MIGRATION: 0.5 if case.org_country not in case.nationalities else 0.1,
        }
        for contact in self.others.get(case.organisation_id, []):
            share = shares.get(contact.kind, 0.15)
            if rng.random() < share:
                chosen.append(contact)
        return chosen


@dataclass
class DraftAlert:
    case: CaseInfo
    issued_by: int
    issued_at: datetime
    contacts: list[Contact]
    acks: list[datetime | None]
    cancelled_at: datetime | None


def _cap_xml(identifier: str, sent: str, msg_type: str, references: Sequence[CapReference] = ()) -> str:
    """A header-only CAP 1.2 message (an <info> block is optional in CAP): the demo keeps no personal details in it."""
    sender = cap_sender(settings.SITE_URL)
    refs = f"<references>{escape(' '.join(str(r) for r in references))}</references>" if references else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">'
        f"<identifier>{escape(identifier)}</identifier><sender>{escape(sender)}</sender><sent>{sent}</sent>"
        f"<status>Actual</status><msgType>{msg_type}</msgType><scope>Restricted</scope>"
        f"<restriction>{escape(ALERT_RESTRICTION)}</restriction><note>Datos de demostración.</note>{refs}</alert>\n"
    )


class Alerts(Step):
    """The Red Alert of each case where one is allowed, drafted case by case and written batch by batch."""

    def __init__(
        self,
        rng: random.Random,
        now: datetime,
        people: People,
        organisations: Iterable[Organisation],
        places: RoutePlaces,
    ) -> None:
        super().__init__(rng, now, people)
        self.directory = Directory(organisations, places)
        self.escalation_hours = escalation_hours()
        self.drafts: list[DraftAlert] = []

    def record(self, case: CaseInfo) -> None:
        """A Red Alert issued during the active search (and its cancellation once located), where allowed."""
        rng = self.rng
        consented_on = case.consents.get(Purpose.SHARE_AUTHORITIES)
        if consented_on is None or case.active_at is None or rng.random() >= ALERT_SHARE:
            return
        issued_at = case.active_at + timedelta(hours=rng.uniform(1, 48))
        if local_date(issued_at) < consented_on:
            return
        if case.located_at is not None and issued_at >= case.located_at:
            return  # found before an alert went out
        settled = self.now - timedelta(hours=(self.escalation_hours[-1] if self.escalation_hours else 0) + 1)
        if issued_at > settled:
            return  # too recent: its deadlines have not passed, and the worker would escalate demo data
        contacts = self.directory.recipients(rng, case)
        issuer = self.people.signer(case, Role.COORDINATOR)
        if not contacts or issuer is None:
            return
        cancelled_at = None
        if case.located_at is not None and rng.random() < 0.8:
            cancelled_at = min(case.located_at + timedelta(hours=rng.uniform(2, 96)), self.now)
        acks: list[datetime | None] = []
        for contact in contacts:
            acked = issued_at + timedelta(hours=rng.uniform(0.5, 120))
            limit = min(cancelled_at or self.now, self.now)
            acks.append(acked if rng.random() < contact.ack_share and acked < limit else None)
        self.drafts.append(DraftAlert(case, issuer, issued_at, contacts, acks, cancelled_at))

    def write(self, batch_size: int, counts: dict[str, int]) -> None:
        """Alerts and cancellations with their recipients, sent messages, deliveries, acknowledgements, escalations."""
        drafts, self.drafts = self.drafts, []
        if not drafts:
            return
        first_ids, second_ids = self._write_alerts(drafts, batch_size, counts)
        recipient_ids = self._write_recipients(drafts, first_ids, second_ids, batch_size, counts)
        self._write_messages(drafts, first_ids, second_ids, recipient_ids, batch_size, counts)

    def _write_alerts(
        self, drafts: list[DraftAlert], batch_size: int, counts: dict[str, int]
    ) -> tuple[dict[int, int], dict[int, int]]:
        """The alerts, then the cancellations (which point at them), with their timeline events; returns the ids of
        both by case id."""
        host = site_host(settings.SITE_URL)
        sender = cap_sender(settings.SITE_URL)
        alerts = Rows(Alert)
        timeline = Rows(TimelineEvent)

        def add(draft: DraftAlert, number: int, kind: str, at: datetime, original_id: int | None) -> None:
            identifier = f"{host}/red-alert/{draft.case.reference}/{number}"
            sent = cap_datetime(at)
            references = []
            if original_id is not None:
                first = f"{host}/red-alert/{draft.case.reference}/1"
                references = [CapReference(sender, first, cap_datetime(draft.issued_at))]
            alerts.add(
                case_id=draft.case.id,
                number=number,
                kind=kind,
                original_id=original_id,
                note="",
                language="es",
                cap_identifier=identifier,
                cap_sent=sent,
                cap_xml=_cap_xml(identifier, sent, "Cancel" if kind == AlertKind.CANCEL else "Alert", references),
                issued_by_id=draft.issued_by,
                issued_at=at,
            )
            timeline.add(
                case_id=draft.case.id,
                at=at,
                actor_id=draft.issued_by,
                kind=TimelineKind.ALERT,
                summary_data={"event": "issued", "number": number, "kind": kind, "recipients": len(draft.contacts)},
            )

        for draft in drafts:
            add(draft, 1, AlertKind.ALERT, draft.issued_at, None)
        alert_ids = write_back(alerts, batch_size, lambda r: r["cap_identifier"], "cap_identifier")
        first_ids = {d.case.id: alert_ids[f"{host}/red-alert/{d.case.reference}/1"] for d in drafts}
        cancelled = [d for d in drafts if d.cancelled_at is not None]
        for draft in cancelled:
            assert draft.cancelled_at is not None
            add(draft, 2, AlertKind.CANCEL, draft.cancelled_at, first_ids[draft.case.id])
        cancel_ids = write_back(alerts, batch_size, lambda r: r["cap_identifier"], "cap_identifier")
        second_ids = {d.case.id: cancel_ids[f"{host}/red-alert/{d.case.reference}/2"] for d in cancelled}
        tally(counts, "alerts", len(drafts) + len(cancelled))
        tally(counts, "alert timeline events", timeline.write(batch_size))
        return first_ids, second_ids

    @staticmethod
    def _write_recipients(
        drafts: list[DraftAlert],
        first_ids: dict[int, int],
        second_ids: dict[int, int],
        batch_size: int,
        counts: dict[str, int],
    ) -> dict[tuple[int, int], int]:
        """The original's contacts, again for the cancellation; returns their ids by (alert id, contact id)."""
        recipients = Rows(Recipient)
        for draft in drafts:
            for alert_id in (first_ids[draft.case.id], second_ids.get(draft.case.id)):
                if alert_id is None:
                    continue
                for contact in draft.contacts:
                    recipients.add(
                        alert_id=alert_id,
                        authority_id=contact.authority_id,
                        contact_id=contact.contact_id,
                        channel=ContactChannel.EMAIL,
                        address=contact.address,
                        language="es",
                        nonce=secrets.token_urlsafe(12),
                    )
        recipient_ids = write_back(
            recipients, batch_size, lambda r: (r["alert_id"], r["contact_id"]), "alert_id", "contact_id"
        )
        tally(counts, "alert recipients", len(recipient_ids))
        return recipient_ids

    def _write_messages(
        self,
        drafts: list[DraftAlert],
        first_ids: dict[int, int],
        second_ids: dict[int, int],
        recipient_ids: dict[tuple[int, int], int],
        batch_size: int,
        counts: dict[str, int],
    ) -> None:
        """Messages already sent (nothing is left for the outbox worker), one per recipient, plus the reminders of
        every deadline passed in silence, with the deliveries, acknowledgements and escalations."""
        rng, hours, now = self.rng, self.escalation_hours, self.now
        host = site_host(settings.SITE_URL)
        messages = Rows(OutboundMessage)
        deliveries: list[tuple[int, int, str, datetime]] = []  # (recipient id, sequence, idempotency key, when)
        acks = Rows(Acknowledgement)
        escalations = Rows(Escalation)

        def message(recipient_id: int, sequence: int, at: datetime, subject: str, to: str) -> None:
            key = f"alert:demo:{recipient_id}:{sequence}"
            messages.add(
                channel=Channel.EMAIL,
                to=to,
                subject=subject,
                body="",
                idempotency_key=key,
                message_id=f"<demo-{recipient_id}-{sequence}@{host}>",
                status=Status.SENT,
                attempts=1,
                next_attempt_at=at,
                sent_at=min(at + timedelta(minutes=rng.uniform(0.5, 5)), now),
                created_at=at,
            )
            deliveries.append((recipient_id, sequence, key, at))

        for draft in drafts:
            reference = draft.case.reference
            first = first_ids[draft.case.id]
            for contact, acked in zip(draft.contacts, draft.acks, strict=True):
                recipient_id = recipient_ids[(first, contact.contact_id)]
                message(recipient_id, 0, draft.issued_at, f"ALERTA ROJA #1 (caso {reference})", contact.address)
                if acked is not None:
                    acks.add(
                        recipient_id=recipient_id,
                        at=acked,
                        name=f"Lic. {person_name(rng)}",
                        position="Agente del Ministerio Público" if contact.kind == AuthorityType.PROSECUTOR else "",
                        action_taken=rng.choice(ACK_ACTIONS),
                    )
                # Every deadline that passed in silence was escalated, as redalert.alerts.escalation.escalate_due does.
                silent_until = min(acked or now, draft.cancelled_at or now, now)
                for level, after in enumerate(hours, start=1):
                    deadline = draft.issued_at + timedelta(hours=after)
                    if deadline >= silent_until:
                        break
                    escalations.add(
                        recipient_id=recipient_id, level=level, after_hours=after, at=deadline, reminded=True, reason=""
                    )
                    message(
                        recipient_id,
                        level,
                        deadline,
                        f"RECORDATORIO ({level}): ALERTA ROJA #1 (caso {reference})",
                        contact.address,
                    )
                second = second_ids.get(draft.case.id)
                if second is not None and draft.cancelled_at is not None:
                    cancel_recipient = recipient_ids[(second, contact.contact_id)]
                    message(
                        cancel_recipient,
                        0,
                        draft.cancelled_at,
                        f"ALERTA ROJA #2, cancelación de #1 (caso {reference})",
                        contact.address,
                    )
        message_ids = write_back(messages, batch_size, lambda r: r["idempotency_key"], "idempotency_key")
        delivery_rows = Rows(Delivery)
        for recipient_id, sequence, key, at in deliveries:
            delivery_rows.add(recipient_id=recipient_id, sequence=sequence, message_id=message_ids[key], created_at=at)
        tally(counts, "alert messages", delivery_rows.write(batch_size))
        tally(counts, "acknowledgements", acks.write(batch_size))
        tally(counts, "escalations", escalations.write(batch_size))
