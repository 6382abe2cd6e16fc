"""Care domain rules: recording services and expenses, referrals gated by consent, who holds a case, ledger totals,
and the survivors' judgement of services over time."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from redalert.accounts.models import Organisation, User
from redalert.audit.log import record as audit_record
from redalert.audit.log import save_audited
from redalert.audit.models import AuditAction
from redalert.care.choices import REFERRAL_TRANSITIONS, ReferralDirection, ReferralStatus, ServiceType
from redalert.care.models import Consultation, Expense, Referral, ServiceFeedback, quarter_of
from redalert.care.money import Total, totals
from redalert.cases.models import Case
from redalert.changes.announce import Kind, announce
from redalert.consent.choices import Purpose
from redalert.consent.rules import may_use


class CareError(Exception):
    """A care action refused by a rule; the message is for the user."""


def save_record(obj: Any, *, case: Case | None, actor: User, request: HttpRequest | None = None, section: str) -> Any:
    """Validate, save and audit a care record, and announce it when it belongs to a case."""
    with transaction.atomic():
        saved = save_audited(obj, actor=actor, case=case, request=request, section=section)
        if case is not None:
            announce(case.pk, Kind.CARE, actor=actor)
    return saved


def add_case_record(
    obj: Any, *, case: Case, actor: User, request: HttpRequest | None = None, section: str = "care"
) -> Any:
    """A new service, expense or objective of the case from a form: recorded by the acting user, saved, audited."""
    obj.case = case
    obj.recorded_by = actor
    return save_record(obj, case=case, actor=actor, request=request, section=section)


def add_consultation(consultation: Consultation, *, actor: User, request: HttpRequest | None = None) -> Consultation:
    """A new consultation from the form: of the acting user's organisation, recorded by them, saved, audited."""
    consultation.organisation = actor.organisation  # type: ignore[assignment]
    consultation.recorded_by = actor
    return save_record(consultation, case=None, actor=actor, request=request, section="consultations")


def partner_directory(organisation: Organisation | None) -> Any:
    """The partner organisations a case can be referred to or from: every organisation but one's own."""
    qs = Organisation.objects.all()
    if organisation is not None:
        qs = qs.exclude(pk=organisation.pk).filter(is_demo=organisation.is_demo)
    return qs.order_by("-coalition_member", "name")


def refer(
    case: Case,
    *,
    partner: Organisation,
    reason: str,
    on: date,
    actor: User,
    direction: str = ReferralDirection.OUTGOING,
    request: HttpRequest | None = None,
) -> Referral:
    """Refer a case to (or record it as referred from) a partner; only while consent to referral is granted."""
    verdict = may_use(case, Purpose.REFERRAL)
    if not verdict:
        raise CareError(
            _("A case is referred only with the consent to referral. %(reason)s") % {"reason": verdict.reason}
        )
    if partner.pk == case.organisation_id:
        raise CareError(_("Choose another organisation: a case cannot be referred to its own organisation."))
    referral = Referral(
        case=case,
        partner=partner,
        reason=reason,
        referred_on=on,
        status_changed_on=on,
        direction=direction,
        created_by=actor,
    )
    return save_record(referral, case=case, actor=actor, request=request, section="care")


def set_referral_status(
    referral: Referral, to: str, *, on: date, actor: User, request: HttpRequest | None = None
) -> Referral:
    """pending → accepted or rejected; accepted → completed. Nothing else."""
    to = ReferralStatus(to)
    if to not in REFERRAL_TRANSITIONS[referral.status]:
        raise CareError(
            _("A referral cannot go from “%(from)s” to “%(to)s”.")
            % {"from": ReferralStatus(referral.status).label, "to": to.label}
        )
    if on < referral.referred_on:
        raise CareError(_("The date cannot be before the referral."))
    with transaction.atomic():
        old = referral.status
        referral.status = to
        referral.status_changed_on = on
        referral.save(update_fields=["status", "status_changed_on"])
        audit_record(
            actor,
            AuditAction.TRANSITION,
            referral,
            case=referral.case,
            request=request,
            detail={"section": "care", "from": old, "to": to},
        )
        announce(referral.case_id, Kind.CARE, actor=actor)
    return referral


@dataclass(frozen=True)
class Holder:
    organisation: Organisation
    since: date | None
    referral: Referral | None


def current_holder(case: Case) -> Holder:
    """Who holds a case now: the partner of the newest accepted outgoing referral, else the case's organisation."""
    accepted = (
        Referral.objects.filter(case=case, direction=ReferralDirection.OUTGOING, status=ReferralStatus.ACCEPTED)
        .select_related("partner")
        .order_by("-status_changed_on", "-id")
        .first()
    )
    if accepted is not None:
        return Holder(accepted.partner, accepted.status_changed_on, accepted)
    return Holder(case.organisation, None, None)


def ledger_totals(case: Case) -> dict[str, list[Total]]:
    """The expense totals of a case: overall, per year and per month, each per currency."""
    rows = Expense.objects.filter(case=case)
    return {
        "all": totals(rows, date_field="spent_on"),
        "year": totals(rows, date_field="spent_on", by="year"),
        "month": totals(rows, date_field="spent_on", by="month"),
    }


@dataclass(frozen=True)
class FeedbackCell:
    quarter: str
    service_type: str
    average: Decimal | None
    rated: int
    unknown: int

    @property
    def label(self) -> str:
        return str(ServiceType(self.service_type).label)


def feedback_summary(organisation: Organisation) -> list[FeedbackCell]:
    """Average satisfaction per service type per quarter, with how many answers had no rating ("not known")."""
    acc: dict[tuple[str, str], list[int | None]] = defaultdict(list)
    rows = ServiceFeedback.objects.filter(consultation__organisation=organisation).values_list(
        "consultation__held_on", "service_type", "satisfaction"
    )
    for held_on, service_type, satisfaction in rows:
        acc[(quarter_of(held_on), service_type)].append(satisfaction)
    cells = []
    for (quarter, service_type), values in acc.items():
        rated = [v for v in values if v is not None]
        average = (
            (Decimal(sum(rated)) / Decimal(len(rated))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if rated
            else None
        )
        cells.append(FeedbackCell(quarter, service_type, average, len(rated), len(values) - len(rated)))
    cells.sort(key=lambda c: (c.quarter, c.service_type), reverse=True)
    return cells


def consultations_of(organisation: Organisation) -> Any:
    return Consultation.objects.filter(organisation=organisation).prefetch_related("feedback")
