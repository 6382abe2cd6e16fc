"""Legal domain rules: consent gating of legal representation, status changes, reparation estimates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.log import save_audited
from redalert.audit.models import AuditAction
from redalert.cases.models import Case
from redalert.changes.announce import Kind, announce
from redalert.consent.choices import Purpose
from redalert.consent.rules import Verdict, may_use
from redalert.legal.choices import WORLD, DeclineReason, ProceedingStatus
from redalert.legal.models import (
    Hearing,
    Proceeding,
    ReparationEstimate,
    ReparationPayment,
    ReparationRate,
    StatusChange,
    estimate_amount,
)


class LegalError(Exception):
    """A legal action refused by a rule; the message is for the user."""


def may_represent(case: Case) -> Verdict:
    """Legal work is recorded for a case only while the family's consent to legal representation is granted.

    After a withdrawal, the records made before stay visible (read-only) to the team; nothing new is recorded.
    """
    return may_use(case, Purpose.LEGAL_REPRESENTATION)


def _require_consent(case: Case) -> None:
    verdict = may_represent(case)
    if not verdict:
        raise LegalError(
            _("Legal work cannot be recorded without the family's consent to legal representation. %(reason)s")
            % {"reason": verdict.reason}
        )


def open_proceeding(case: Case, *, actor: User, request: HttpRequest | None = None, **fields: Any) -> Proceeding:
    """Record a new proceeding (complaint); refused without consent to legal representation."""
    _require_consent(case)
    if fields.get("complaint_filed_on") and "status_changed_on" not in fields:
        fields["status_changed_on"] = fields["complaint_filed_on"]  # the investigation starts with the complaint
    with transaction.atomic():
        proceeding = Proceeding(case=case, created_by=actor, **fields)
        proceeding.full_clean()
        proceeding.save()
        StatusChange.objects.create(
            proceeding=proceeding,
            from_status="",
            to_status=proceeding.status,
            changed_on=proceeding.status_changed_on,
            reason=proceeding.decline_reason,
            actor=actor,
        )
        audit_record(actor, AuditAction.CREATE, proceeding, case=case, request=request, detail={"section": "legal"})
        announce(case.pk, Kind.LEGAL, actor=actor)
    return proceeding


def add_record(obj: Any, *, case: Case, actor: User, request: HttpRequest | None = None) -> Any:
    """Save a sub-record of a proceeding (hearing, measure, accused, reparation, payment) after the consent check."""
    _require_consent(case)
    with transaction.atomic():
        saved = save_audited(obj, actor=actor, case=case, request=request, section="legal")
        announce(case.pk, Kind.LEGAL, actor=actor)
    return saved


def save_proceeding_record(
    obj: Any, *, proceeding: Proceeding, case: Case, actor: User, request: HttpRequest | None = None
) -> Any:
    """A sub-record of the proceeding from a form: attached to it (a new hearing created by the acting user), saved
    and audited after the consent check."""
    if not isinstance(obj, ReparationPayment):  # a payment belongs to its reparation, chosen on the form
        obj.proceeding = proceeding
    if isinstance(obj, Hearing) and obj.pk is None:
        obj.created_by = actor
    return add_record(obj, case=case, actor=actor, request=request)


def change_status(
    proceeding: Proceeding,
    to: str,
    *,
    on: date,
    actor: User,
    reason: str = "",
    note: str = "",
    request: HttpRequest | None = None,
) -> StatusChange:
    """Move a proceeding to a new status and keep the history; declining needs a reason (e.g. identity unknown)."""
    to = ProceedingStatus(to)
    _require_consent(proceeding.case)
    if to == proceeding.status:
        raise LegalError(_("The proceeding already has this status."))
    if to == ProceedingStatus.DECLINED and not reason:
        raise LegalError(_("Say why the prosecutor declined the case (choose “Not known” if nobody knows)."))
    if reason and reason not in DeclineReason.values:
        raise LegalError(_("Choose a reason from the list."))
    if to != ProceedingStatus.DECLINED:
        reason = ""
    with transaction.atomic():
        change = StatusChange.objects.create(
            proceeding=proceeding,
            from_status=proceeding.status,
            to_status=to,
            changed_on=on,
            reason=reason,
            note=note,
            actor=actor,
        )
        proceeding.status = to
        proceeding.status_changed_on = on
        proceeding.decline_reason = reason
        proceeding.save(update_fields=["status", "status_changed_on", "decline_reason"])
        audit_record(
            actor,
            AuditAction.TRANSITION,
            proceeding,
            case=proceeding.case,
            request=request,
            detail={"section": "legal", "from": change.from_status, "to": to},
        )
        announce(proceeding.case_id, Kind.LEGAL, actor=actor)
    return change


def rate_in_force(region: str, exploitation: str, on: date) -> ReparationRate | None:
    """The rate in force on a day for a region and form of exploitation, else the world rate for it, else None."""
    region = WORLD if region.lower() == WORLD else region.upper()
    in_force = ReparationRate.objects.filter(exploitation=exploitation, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    for candidate in dict.fromkeys([region, WORLD]):
        rate = in_force.filter(region=candidate).order_by("-valid_from", "-id").first()
        if rate is not None:
            return rate
    return None


def estimate_reparation(
    case: Case,
    *,
    months: Decimal,
    region: str,
    exploitation: str,
    on: date,
    actor: User,
    request: HttpRequest | None = None,
) -> ReparationEstimate:
    """Estimate what a located victim's exploitation produced: months/12 × the rate in force; keeps its source."""
    if case.located_on is None:
        raise LegalError(_("An estimate is made only for a victim who has been located."))
    _require_consent(case)
    if months is None or Decimal(months) <= 0:
        raise LegalError(_("Give a number of months greater than zero."))
    rate = rate_in_force(region, exploitation, on)
    if rate is None:
        raise LegalError(
            _("There is no rate in force on that date for this region or the world: ask an administrator to add one.")
        )
    with transaction.atomic():
        estimate = ReparationEstimate.objects.create(
            case=case,
            estimated_on=on,
            months_exploited=months,
            region=WORLD if region.lower() == WORLD else region.upper(),
            exploitation=exploitation,
            rate=rate,
            rate_region=rate.region,
            rate_amount=rate.annual_profit,
            rate_currency=rate.currency,
            rate_source=rate.source,
            amount=estimate_amount(Decimal(months), rate.annual_profit),
            created_by=actor,
        )
        audit_record(
            actor,
            AuditAction.CREATE,
            estimate,
            case=case,
            request=request,
            detail={"section": "legal", "rate": rate.pk},
        )
    return estimate
