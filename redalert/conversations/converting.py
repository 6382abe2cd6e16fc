"""Turning a conversation into a record of the organisation, always through the owning app's own service:

- a tip on a case: redalert.tips.services.receive_tip (its timeline line, the team's notices);
- a report: a new case through redalert.cases.services.open_report (the intake's form and the matching app's
  possible-duplicate check, see views.to_report), or a further report added to an existing case through
  redalert.matching.services.add_report;
- a hotline contact: redalert.hotline.actions.open_contact.

The conversation remembers what it became, who did it and when; each step is audited. One conversation becomes
one record: a second conversion is refused.
"""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases import services as case_services
from redalert.cases.photos import CleanPhoto, PhotoError, clean_photo
from redalert.conversations.models import Conversation, ConversationStatus, Direction, Media, MediaStatus, Medium
from redalert.conversations.rules import Refused, check
from redalert.matching import services as matching_services
from redalert.matching.models import AdditionalReport
from redalert.tips.models import Tip
from redalert.tips.services import TipData, receive_tip

if TYPE_CHECKING:
    from django.http import HttpRequest

    from redalert.accounts.models import User
    from redalert.cases.models import Case


class AlreadyConverted(Refused):
    """The conversation already became a record."""


def transcript(conversation: Conversation) -> str:
    """What she wrote, message by message (received ones only), for the record's narrative."""
    lines = []
    for message in conversation.messages.filter(direction=Direction.IN).order_by("at", "pk"):
        stamp = timezone.localtime(message.at).strftime("%d/%m/%Y %H:%M")
        text = " ".join(part for part in (message.subject, message.body) if part).strip()
        lines.append(f"[{stamp}] {text}")
    return "\n".join(lines)


def _lock(conversation: Conversation, case: Case | None = None) -> Conversation:
    """The conversation locked; refused if it became a record, was anonymised, or the case was erased."""
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    check(locked, case)
    if locked.status == ConversationStatus.CONVERTED:
        raise AlreadyConverted(_("This conversation was already turned into a record."))
    return locked


def _mark(conversation: Conversation, actor: User, **made: Any) -> None:
    now = timezone.now()
    Conversation.objects.filter(pk=conversation.pk).update(
        status=ConversationStatus.CONVERTED, converted_by=actor, converted_at=now, **made
    )
    for name, value in made.items():
        setattr(conversation, name, value)
    conversation.status, conversation.converted_by, conversation.converted_at = ConversationStatus.CONVERTED, actor, now


def first_photo(conversation: Conversation) -> CleanPhoto | None:
    """The first photo received (already cleaned when stored; cleaned again to know its size)."""
    media = (
        Media.objects.filter(message__conversation=conversation, status=MediaStatus.STORED, content_type="image/jpeg")
        .order_by("message__at", "position")
        .first()
    )
    if media is None:
        return None
    with media.file.open("rb") as handle:
        data = handle.read()
    try:
        return clean_photo(BytesIO(data), len(data))
    except PhotoError:
        return None


def to_tip(
    conversation: Conversation,
    case: Case,
    *,
    description: str,
    may_contact: bool,
    actor: User,
    request: HttpRequest | None = None,
) -> Tip:
    """A tip on `case` (the caller checked she may see it) with the conversation's first photo; her number or
    address goes with it only if she agreed to be contacted."""
    contact = conversation.sender if may_contact else ""
    data = TipData(
        description=description,
        photo=first_photo(conversation),
        anonymous=not may_contact,
        contact_name=conversation.sender_name if may_contact else "",
        contact_phone=contact if conversation.medium != Medium.EMAIL else "",
        contact_email=contact if conversation.medium == Medium.EMAIL else "",
    )
    with transaction.atomic():
        locked = _lock(conversation, case)
        tip = receive_tip(case, data, client=locked.sender_key, language=locked.language or "es")
        _mark(conversation, actor, tip=tip, case=case)
        audit_record(
            actor,
            AuditAction.CHANGE,
            conversation,
            case=case,
            request=request,
            detail={"what": "conversation to tip", "tip": tip.code},
        )
    return tip


def to_new_case(
    conversation: Conversation,
    data: case_services.IntakeData,
    *,
    actor: User,
    duplicates: list[Any],
    reason: str,
    request: HttpRequest | None = None,
) -> Case:
    """A new case through the intake's service; if the duplicate check showed candidates, why she is someone else."""
    organisation = actor.organisation
    if organisation is None:
        raise PermissionError
    with transaction.atomic():
        _lock(conversation)
        case = case_services.open_report(data, organisation=organisation, actor=actor, request=request)
        if duplicates:
            matching_services.record_new_case(
                case, reason, [c.case_id for c in duplicates], actor=actor, request=request
            )
        _mark(conversation, actor, case=case)
        audit_record(
            actor,
            AuditAction.CHANGE,
            conversation,
            case=case,
            request=request,
            detail={"what": "conversation to report", "reference": case.reference},
        )
    return case


def to_existing_case(
    conversation: Conversation,
    case: Case,
    report: AdditionalReport,
    *,
    actor: User,
    request: HttpRequest | None = None,
) -> AdditionalReport:
    """A further report of the same disappearance on an existing case (the caller checked she may edit it)."""
    with transaction.atomic():
        _lock(conversation, case)
        added = matching_services.add_report(case, report, actor=actor, request=request)
        _mark(conversation, actor, case=case, additional_report=added)
        audit_record(
            actor,
            AuditAction.CHANGE,
            conversation,
            case=case,
            request=request,
            detail={"what": "conversation to report", "reference": case.reference},
        )
    return added
