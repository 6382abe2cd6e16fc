"""Offering, accepting, rejecting, withdrawing and ending transfers and referrals (docs/transfers.md).

Each function changes the offer, the shared access (redalert.access.grants) and, for a transfer, the case, in one
transaction with the audit entries of both organisations and the e-mails to the other side's coordinators (through
the outbox: a link, never a name). A withdrawal of the family's consent to share with partner organisations ends
every offer and revokes every grant of the case in the consent's own transaction (followers.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from redalert.access.grants import grant, revoke
from redalert.access.models import CaseGrant, GrantReason
from redalert.access.policy import forget_shares, forget_team
from redalert.accounts.models import Organisation, User, people_of
from redalert.accounts.roles import Role
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.choices import NoteSection
from redalert.cases.models import Case, TeamMembership
from redalert.changes.announce import Kind, announce
from redalert.consent.choices import Purpose
from redalert.consent.rules import may_use
from redalert.outbox.enqueue import enqueue_email
from redalert.transfers import permissions
from redalert.transfers.models import EndReason, Offer, OfferKind, OfferStatus

if TYPE_CHECKING:
    from django.http import HttpRequest

CONSENT_PURPOSE = Purpose.REFERRAL  # "Refer to a partner organisation"

# What the sending organisation keeps of a case it transferred: the general file (the report, the person, her
# photos and the general notes and timeline, including what its own staff did), to read. Its sensitive sections go
# with the case: the receiver's team decides who reads them from now on.
KEPT_AFTER_TRANSFER = (NoteSection.GENERAL.value,)


# The words redalert/audit/words.py shows for this app's audit "what" codes, listed here as well so that this app's
# own catalogue translates them (the central catalogue is merged by the lead; both give the same words).
AUDIT_WORDS = (
    gettext_lazy("cases shared with the organisation"),
    gettext_lazy("offer of a transfer or referral"),
    gettext_lazy("form to offer a transfer or referral"),
    gettext_lazy("transfer or referral accepted"),
    gettext_lazy("transfer or referral rejected"),
    gettext_lazy("transfer or referral withdrawn or ended by the sender"),
    gettext_lazy("shared access ended: consent to refer withdrawn"),
    gettext_lazy("Kept by the sender after a transfer"),
    gettext_lazy("shared access"),
)


class TransferError(ValueError):
    """The step is not allowed now; the message says why, in the user's language."""


def _audit_both(actor: User, offer: Offer, what: str, request: HttpRequest | None, **detail: Any) -> None:
    """One entry in each organisation's log (the offer is about a case of the sender, or of the receiver after a
    transfer: each log gets its own line, whichever holds the case)."""
    data = {"what": what, "offer": offer.pk, "kind": offer.kind, "sections": offer.sections, **detail}
    for organisation_id in (offer.from_organisation_id, offer.to_organisation_id):
        audit_record(
            actor,
            AuditAction.CHANGE,
            offer,
            case=offer.case,
            request=request,
            detail=data,
            organisation_id=organisation_id,
        )


def _coordinators(organisation_id: int) -> list[User]:
    return list(
        people_of(organisation_id)
        .filter(is_active=True, role_assignments__role=Role.COORDINATOR)
        .exclude(email="")
        .order_by("pk")
    )


def _notify(offer: Offer, organisation_id: int, event: str) -> int:
    """One e-mail per coordinator of the organisation: what happened and a staff link, never the person's name."""
    link = settings.SITE_URL.rstrip("/") + reverse("transfers:offer", args=[offer.pk])
    count = 0
    for user in _coordinators(organisation_id):
        with translation.override(settings.LANGUAGE_CODE):
            subjects = {
                "offered": _("A member organisation offers you a case"),
                "accepted": _("Your offer of a case was accepted"),
                "rejected": _("Your offer of a case was rejected"),
                "withdrawn": _("An offer of a case was withdrawn"),
                "revoked": _("Access to a shared case ended"),
            }
            body = _(
                "%(subject)s (%(kind)s).\n\nOpen it (you will be asked to sign in):\n%(link)s\n\n"
                "For safety, this e-mail does not contain the name or the details of the case."
            ) % {"subject": subjects[event], "kind": OfferKind(offer.kind).label, "link": link}
            enqueue_email(user.email, subjects[event], body, key=f"transfer:{offer.pk}:{event}:user:{user.pk}")
        count += 1
    return count


def _check_consent(case: Case) -> None:
    verdict = may_use(case, CONSENT_PURPOSE)
    if not verdict:
        raise TransferError(verdict.reason)


def offer(
    case: Case,
    *,
    to: Organisation,
    kind: OfferKind | str,
    sections: Iterable[str] = (),
    reason: str,
    actor: User,
    request: HttpRequest | None = None,
) -> Offer:
    """Offer the case (a transfer) or some of its sections (a referral) to another member organisation; only
    with the family's current consent to share with partner organisations."""
    if not permissions.may_offer(actor, case):
        raise PermissionError("Only a coordinator of the case's organisation offers it.")
    kind = OfferKind(kind)
    if to.pk == case.organisation_id:
        raise TransferError(_("Choose another member organisation."))
    chosen = (
        list(NoteSection.values)
        if kind == OfferKind.TRANSFER
        else [s for s in NoteSection.values if s in set(sections)]
    )
    if not chosen:
        raise TransferError(_("Choose at least one section to refer."))
    if not reason.strip():
        raise TransferError(_("Say why you offer it."))
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        _check_consent(case)
        if Offer.objects.filter(case=case, to_organisation=to, status=OfferStatus.OFFERED).exists():
            raise TransferError(_("This organisation already has an offer of this case to answer."))
        if (
            kind == OfferKind.TRANSFER
            and Offer.objects.filter(case=case, kind=kind, status=OfferStatus.OFFERED).exists()
        ):
            raise TransferError(_("The case is already offered as a transfer."))
        made = Offer.objects.create(
            case=case,
            kind=kind,
            from_organisation_id=case.organisation_id,
            to_organisation=to,
            sections=chosen,
            reason=reason.strip()[:300],
            offered_by=actor,
            offered_at=timezone.now(),
        )
        _audit_both(actor, made, "transfer offer", request)
        _notify(made, to.pk, "offered")
    return made


def _locked(offer_obj: Offer) -> Offer:
    return Offer.objects.select_for_update().select_related("case").get(pk=offer_obj.pk)


def accept(offer_obj: Offer, *, actor: User, note: str = "", request: HttpRequest | None = None) -> Offer:
    """The receiving coordinator accepts: a referral gives her organisation read access to exactly the offered
    sections; a transfer moves the case to her organisation (she joins its team) and the sender keeps the general
    file to read (KEPT_AFTER_TRANSFER)."""
    if not permissions.may_decide(actor, offer_obj):
        raise PermissionError("Only a coordinator of the receiving organisation answers an offer.")
    with transaction.atomic():
        current = _locked(offer_obj)
        if current.status != OfferStatus.OFFERED:
            raise TransferError(_("This offer was already answered or withdrawn."))
        case = Case.objects.select_for_update().get(pk=current.case_id)
        if case.organisation_id != current.from_organisation_id:
            raise TransferError(_("The case is no longer held by the organisation that offered it."))
        _check_consent(case)
        now = timezone.now()
        if current.kind == OfferKind.REFERRAL:
            grant(
                case,
                current.to_organisation_id,
                current.sections,
                reason=GrantReason.REFERRAL,
                by=actor,
                offer_id=current.pk,
            )
        else:
            _move(case, current, actor=actor, request=request)
        Offer.objects.filter(pk=current.pk).update(
            status=OfferStatus.ACCEPTED, decided_by=actor, decided_at=now, decision_note=note.strip()[:300]
        )
        current.refresh_from_db()
        current.case = case
        forget_shares(case)
        _audit_both(actor, current, "transfer accepted", request)
        _notify(current, current.from_organisation_id, "accepted")
    return current


def _move(case: Case, offer_obj: Offer, *, actor: User, request: HttpRequest | None) -> None:
    """The case moves to the receiving organisation: its reference and every record stay with it (links to the
    reference keep working); the sender's team leaves it, the accepting coordinator joins it; the sender keeps the
    general file to read; grants the receiver held on it are no longer needed, those of other organisations stay."""
    sender = case.organisation_id
    receiver = offer_obj.to_organisation_id
    TeamMembership.objects.filter(case=case).exclude(user__organisation_id=receiver).delete()
    Case.objects.filter(pk=case.pk).update(organisation_id=receiver)
    case.organisation_id = receiver
    case.__dict__.pop("_state_organisation", None)
    forget_team(case)
    revoke(CaseGrant.objects.filter(case=case, organisation_id=receiver), "transferred to holder")
    TeamMembership.objects.get_or_create(case=case, user=actor, defaults={"added_by": actor})
    grant(case, sender, KEPT_AFTER_TRANSFER, reason=GrantReason.KEPT_AFTER_TRANSFER, by=actor, offer_id=offer_obj.pk)
    # Other organisations' offers of this case not yet answered are void: the receiver decides anew.
    Offer.objects.filter(case=case, status=OfferStatus.OFFERED).exclude(pk=offer_obj.pk).update(
        status=OfferStatus.WITHDRAWN, ended_at=timezone.now(), ended_because=EndReason.SENDER
    )
    # The holder is part of the general file (EDITED: public listing, matching index, coalition encodings, map facts,
    # people-found pairs follow it); the linked people's match keys are kept per organisation (INVESTIGATION).
    announce(case.pk, Kind.EDITED, actor=actor)
    announce(case.pk, Kind.INVESTIGATION, actor=actor)


def reject(offer_obj: Offer, *, actor: User, note: str = "", request: HttpRequest | None = None) -> Offer:
    """The receiving coordinator rejects the offer: nothing is shared."""
    if not permissions.may_decide(actor, offer_obj):
        raise PermissionError("Only a coordinator of the receiving organisation answers an offer.")
    with transaction.atomic():
        current = _locked(offer_obj)
        if current.status != OfferStatus.OFFERED:
            raise TransferError(_("This offer was already answered or withdrawn."))
        Offer.objects.filter(pk=current.pk).update(
            status=OfferStatus.REJECTED, decided_by=actor, decided_at=timezone.now(), decision_note=note.strip()[:300]
        )
        current.refresh_from_db()
        _audit_both(actor, current, "transfer rejected", request)
        _notify(current, current.from_organisation_id, "rejected")
    return current


def end(offer_obj: Offer, *, actor: User, request: HttpRequest | None = None) -> Offer:
    """The sending coordinator withdraws an offer not yet answered, or ends an accepted referral (its grants are
    revoked at once). A transfer once accepted cannot be ended: the case is the receiver's."""
    if not permissions.may_end(actor, offer_obj):
        raise PermissionError("Only a coordinator of the sending organisation ends an offer.")
    with transaction.atomic():
        current = _locked(offer_obj)
        if current.status == OfferStatus.OFFERED:
            status = OfferStatus.WITHDRAWN
        elif current.status == OfferStatus.ACCEPTED and current.kind == OfferKind.REFERRAL:
            status = OfferStatus.REVOKED
            revoke(CaseGrant.objects.filter(offer_id=current.pk), "sender")
            # A section another accepted referral to the same organisation also covers stays shared.
            others = Offer.objects.filter(
                case_id=current.case_id,
                to_organisation_id=current.to_organisation_id,
                kind=OfferKind.REFERRAL,
                status=OfferStatus.ACCEPTED,
            ).exclude(pk=current.pk)
            for other in others:
                grant(
                    current.case,
                    current.to_organisation_id,
                    other.sections,
                    reason=GrantReason.REFERRAL,
                    by=other.decided_by,
                    offer_id=other.pk,
                )
        else:
            raise TransferError(_("This offer can no longer be ended."))
        Offer.objects.filter(pk=current.pk).update(
            status=status, ended_at=timezone.now(), ended_because=EndReason.SENDER
        )
        current.refresh_from_db()
        forget_shares(current.case)
        _audit_both(actor, current, "transfer ended", request)
        _notify(current, current.to_organisation_id, "withdrawn" if status == OfferStatus.WITHDRAWN else "revoked")
    return current


def consent_withdrawn(case_ids: Iterable[int]) -> int:
    """The family no longer consents to sharing with partner organisations: every grant of these cases is revoked,
    every offer waiting for an answer withdrawn and every accepted referral marked revoked; both organisations' logs
    say so. Returns how many grants were revoked. Called by the consent follower, in the consent's transaction."""
    revoked = 0
    for case_id in sorted(set(case_ids)):
        case = Case.objects.filter(pk=case_id).first()
        if case is None or may_use(case, CONSENT_PURPOSE):
            continue
        revoked += revoke(CaseGrant.objects.filter(case_id=case_id), "consent withdrawn")
        ended = list(
            Offer.objects.filter(case_id=case_id).filter(status=OfferStatus.OFFERED)
            | Offer.objects.filter(case_id=case_id, status=OfferStatus.ACCEPTED, kind=OfferKind.REFERRAL)
        )
        now = timezone.now()
        for item in ended:
            status = OfferStatus.WITHDRAWN if item.status == OfferStatus.OFFERED else OfferStatus.REVOKED
            Offer.objects.filter(pk=item.pk).update(status=status, ended_at=now, ended_because=EndReason.CONSENT)
            item.status = status
            item.case = case
            _audit_both("system", item, "transfer consent withdrawn", None)  # type: ignore[arg-type]
            _notify(item, item.to_organisation_id, "revoked")
        forget_shares(case)
    return revoked
