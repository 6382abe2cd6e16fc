"""What the hotline desk does: the one place that writes contacts (Zulip's actions pattern).

Each function states its rule in one sentence, writes its rows and its audit entry in one transaction, and refuses
bad input with ContactError (a translated message) before writing anything. Every change to an existing contact
first locks its row and asks redalert.hotline.rules.refusal on it: nothing is recorded on an anonymised contact or
on a contact of an erased case, whoever calls.

`open_contact(organisation, *, by, channel, conversation_id=None, ...)` is also the way the conversations inbox
(redalert.conversations) turns a conversation into a hotline contact; its signature is kept stable.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from redalert.accounts.models import Organisation, User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.choices import ReportChannel
from redalert.cases.models import Case
from redalert.hotline.choices import CHECKLIST_CHOICES, Answer, CallerRelation, Channel, Outcome, Urgency
from redalert.hotline.models import Contact
from redalert.hotline.rules import refusal
from redalert.matching.models import AdditionalReport
from redalert.matching.services import add_report
from redalert.retention.rules import erased_refusal
from redalert.tips.models import Tip
from redalert.tips.services import TipData, client_hash, receive_tip

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class ContactError(ValueError):
    """A change the desk refuses, with a message for the call-taker."""


def _reference(organisation: Organisation) -> str:
    for _attempt in range(10):
        token = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        reference = f"{organisation.code}-L-{token}"
        if not Contact.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("Could not draw a free contact reference.")


def _locked(contact: Contact) -> Contact:
    """The contact's row, locked until the end of the caller's transaction; ContactError with the reason when
    nothing more may be recorded on it (redalert.hotline.rules: anonymised, or its case erased)."""
    row = Contact.objects.select_for_update().get(pk=contact.pk)
    reason = refusal(row)
    if reason:
        raise ContactError(reason)
    return row


def _check_member(organisation: Organisation, by: User) -> None:
    if getattr(by, "organisation_id", None) != organisation.pk:
        raise ContactError(_("Only staff of the organisation can take its contacts."))


def open_contact(
    organisation: Organisation,
    *,
    by: User,
    channel: str,
    conversation_id: int | None = None,
    started_at: datetime | None = None,
    caller_relation: str = "",
    summary: str = "",
    request: HttpRequest | None = None,
) -> Contact:
    """Open a contact (a call, a chat, a conversation of the inbox) taken by `by`, a member of the organisation."""
    _check_member(organisation, by)
    if channel not in Channel.values:
        raise ContactError(_("Choose the channel of the contact."))
    if caller_relation and caller_relation not in CallerRelation.values:
        raise ContactError(_("Choose who is calling from the list."))
    with transaction.atomic():
        contact = Contact.objects.create(
            organisation=organisation,
            reference=_reference(organisation),
            channel=channel,
            conversation_id=conversation_id,
            started_at=started_at or timezone.now(),
            taken_by=by,
            caller_relation=caller_relation,
            summary=summary,
        )
        audit_record(
            by,
            AuditAction.CREATE,
            contact,
            request=request,
            organisation_id=organisation.pk,
            detail={"what": "hotline contact", "channel": channel, "conversation": conversation_id},
        )
    return contact


def record_urgency(contact: Contact, urgency: str, *, by: User, request: HttpRequest | None = None) -> Contact:
    """Record the answer to the first question (is someone in immediate danger?) and when it was asked."""
    with transaction.atomic():
        _locked(contact)
        if urgency not in Urgency.values:
            raise ContactError(_("Say whether someone is in immediate danger."))
        contact.urgency = urgency
        contact.urgency_at = timezone.now()
        contact.save(update_fields=["urgency", "urgency_at", "updated_at"])
        audit_record(
            by, AuditAction.CHANGE, contact, request=request, detail={"what": "hotline urgency", "urgency": urgency}
        )
    return contact


def record_emergency_call(contact: Contact, *, by: User, authority: str, request: HttpRequest | None = None) -> Contact:
    """Record that an authority was called because someone is in immediate danger: who called it, which, and when."""
    authority = authority.strip()[:200]
    with transaction.atomic():
        _locked(contact)
        if contact.urgency != Urgency.DANGER:
            raise ContactError(_("Record first that someone is in immediate danger."))
        if not authority:
            raise ContactError(_("Say which authority was called."))
        contact.emergency_called_at = timezone.now()
        contact.emergency_called_by = by
        contact.emergency_authority = authority
        contact.save(update_fields=["emergency_called_at", "emergency_called_by", "emergency_authority", "updated_at"])
        audit_record(
            by,
            AuditAction.CHANGE,
            contact,
            request=request,
            detail={"what": "hotline emergency call", "authority": authority},
        )
    return contact


def clean_indicators(answers: Mapping[str, str]) -> dict[str, str]:
    """Keep the known items answered yes or no; drop "not asked" (stored as no answer) and refuse unknown items."""
    cleaned: dict[str, str] = {}
    for key, value in answers.items():
        group, _sep, item = key.partition(":")
        choices = CHECKLIST_CHOICES.get(group)
        if choices is None or item not in choices.values:
            raise ContactError(_("Unknown indicator: %(key)s.") % {"key": key})
        if value not in Answer.values:
            raise ContactError(_("Answer each indicator with yes, no or not asked."))
        if value != Answer.NOT_ASKED:
            cleaned[key] = value
    return cleaned


def save_details(
    contact: Contact, values: Mapping[str, Any], *, by: User, request: HttpRequest | None = None
) -> Contact:
    """Save what the desk's form collected (validated by redalert.hotline.forms); the caller's contact data is kept
    only if she agrees to be contacted back, and erased when she withdraws that. Refused on an anonymised contact or
    a contact of a case whose identity was erased: what it said went with them and must not come back."""
    fields = [name for name in values if name != "indicators"]
    with transaction.atomic():
        _locked(contact)
        for name in fields:
            setattr(contact, name, values[name])
        if "indicators" in values:
            contact.indicators = clean_indicators(values["indicators"])
            fields.append("indicators")
        if not contact.caller_agrees_to_contact:
            contact.caller_name = contact.caller_phone = contact.caller_email = ""
            fields += ["caller_name", "caller_phone", "caller_email"]
        contact.save(update_fields=[*sorted(set(fields)), "updated_at"])
        audit_record(
            by,
            AuditAction.CHANGE,
            contact,
            request=request,
            detail={"what": "hotline contact", "changes": sorted(set(fields))},
        )
    return contact


def close_contact(
    contact: Contact, *, by: User, outcome: str, referred_to: str = "", request: HttpRequest | None = None
) -> Contact:
    """End the contact with its outcome; a contact in immediate danger cannot end before the authority's call is
    recorded."""
    with transaction.atomic():
        _locked(contact)
        if outcome not in Outcome.values:
            raise ContactError(_("Choose the outcome of the contact."))
        if not contact.urgency:
            raise ContactError(_("Ask first whether someone is in immediate danger."))
        if contact.danger_unhandled:
            raise ContactError(_("Someone is in immediate danger: record the call to the authority first."))
        if outcome == Outcome.REPORT_OPENED and contact.case_id is None:
            raise ContactError(_("Open the report from this contact first."))
        if outcome == Outcome.TIP_ADDED and contact.tip_id is None:
            raise ContactError(_("Add the tip to a case from this contact first."))
        contact.outcome = outcome
        contact.referred_to = referred_to.strip()[:200] if outcome == Outcome.REFERRAL else ""
        contact.ended_at = contact.ended_at or timezone.now()
        contact.save(update_fields=["outcome", "referred_to", "ended_at", "updated_at"])
        audit_record(
            by, AuditAction.CHANGE, contact, request=request, detail={"what": "hotline outcome", "outcome": outcome}
        )
    return contact


# --- What a contact becomes -------------------------------------------------------------------------------------
# A new report is opened by the intake's own service (cases.services.open_report, called by the desk's report view
# with the intake forms, the duplicate check and the consent section); these functions tie the contact to what it
# became, each with its audit entry, inside the caller's transaction.


def _converted(contact: Contact, *, outcome: str, fields: list[str]) -> None:
    contact.converted_at = timezone.now()
    contact.outcome = contact.outcome or outcome
    contact.save(update_fields=[*fields, "converted_at", "outcome", "updated_at"])


def _check_unconverted(contact: Contact, case: Case | None = None) -> None:
    """Refused (inside the caller's transaction) if the contact may take nothing more (its locked row asks
    redalert.hotline.rules), already became a report or a tip, or the case's identity was erased (nothing new is
    recorded on an erased case: redalert.retention.rules)."""
    row = _locked(contact)
    if row.case_id is not None or row.tip_id is not None:
        raise ContactError(_("This contact already became a report or a tip."))
    reason = erased_refusal(case)
    if reason:
        raise ContactError(reason)


def link_new_report(contact: Contact, case: Case, *, by: User, request: HttpRequest | None = None) -> Contact:
    """Tie the contact to the case just opened from it (same organisation; once)."""
    with transaction.atomic():
        _check_unconverted(contact, case)
        if case.organisation_id != contact.organisation_id:
            raise ContactError(_("The case belongs to another organisation."))
        contact.case = case
        _converted(contact, outcome=Outcome.REPORT_OPENED, fields=["case"])
        audit_record(
            by,
            AuditAction.CREATE,
            contact,
            case=case,
            request=request,
            detail={"what": "hotline report", "contact": contact.reference},
        )
    return contact


RELATIONSHIP_OF_CALLER: dict[str, str] = {
    CallerRelation.HERSELF: "self",
    CallerRelation.FAMILY: "other_relative",
    CallerRelation.FRIEND: "friend",
}


def add_to_case(
    contact: Contact, case: Case, *, by: User, score: float | None = None, request: HttpRequest | None = None
) -> AdditionalReport:
    """Add the contact to an existing case as a further report (matching's AdditionalReport): the caller's details
    only if she agreed to be contacted back."""
    with transaction.atomic():
        _check_unconverted(contact, case)
        if case.organisation_id != contact.organisation_id:
            raise ContactError(_("The case belongs to another organisation."))
        agrees = contact.caller_agrees_to_contact
        report = AdditionalReport(
            reported_at=contact.started_at,
            channel=ReportChannel.HOTLINE,
            reporter_name=contact.caller_name if agrees else "",
            reporter_relationship=RELATIONSHIP_OF_CALLER.get(contact.caller_relation, "unknown"),
            reporter_phone=contact.caller_phone if agrees else "",
            reporter_email=contact.caller_email if agrees else "",
            narrative=contact.summary,
            score=score,
        )
        add_report(case, report, actor=by, request=request)
        contact.case = case
        _converted(contact, outcome=Outcome.REPORT_OPENED, fields=["case"])
        audit_record(
            by,
            AuditAction.CHANGE,
            contact,
            case=case,
            request=request,
            detail={"what": "hotline further report", "contact": contact.reference, "additional_report": report.pk},
        )
    return report


def add_tip(
    contact: Contact,
    case: Case,
    *,
    by: User,
    description: str,
    language: str = "es",
    request: HttpRequest | None = None,
) -> Tip:
    """Add what the caller said as a tip on a case (tips.services.receive_tip: timeline, team notices); the caller's
    details go with it only if she agreed to be contacted back."""
    with transaction.atomic():
        _check_unconverted(contact, case)
        if case.organisation_id != contact.organisation_id:
            raise ContactError(_("The case belongs to another organisation."))
        description = description.strip()
        if not description:
            raise ContactError(_("Write what the caller said about the case."))
        agrees = contact.caller_agrees_to_contact
        data = TipData(
            description=description,
            place=contact.place,
            anonymous=not agrees,
            contact_name=contact.caller_name if agrees else "",
            contact_phone=contact.caller_phone if agrees else "",
            contact_email=contact.caller_email if agrees else "",
        )
        tip = receive_tip(case, data, client=client_hash(f"hotline:{contact.reference}"), language=language)
        contact.case = case
        contact.tip = tip
        _converted(contact, outcome=Outcome.TIP_ADDED, fields=["case", "tip"])
        audit_record(
            by,
            AuditAction.CREATE,
            contact,
            case=case,
            request=request,
            detail={"what": "hotline tip", "contact": contact.reference, "tip": tip.code},
        )
    return tip
