"""Hearing reminders: one email per lawyer and hearing, queued in the outbox, without personal details."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from redalert.accounts.models import User
from redalert.accounts.roles import Role
from redalert.cases.models import Case
from redalert.consent.choices import Purpose
from redalert.consent.rules import cases_consenting_to
from redalert.legal.models import Hearing
from redalert.outbox.enqueue import enqueue_email


def recipients(hearing: Hearing) -> list[User]:
    """The proceeding's responsible lawyer if she is still on the team, else every lawyer on the case's team."""
    team = User.objects.filter(
        case_memberships__case_id=hearing.proceeding.case_id,
        role_assignments__role=Role.LAWYER,
        is_active=True,
    ).distinct()
    lawyer_id = hearing.proceeding.lawyer_id
    if lawyer_id is not None:
        responsible = list(team.filter(pk=lawyer_id))
        if responsible:
            return responsible
    return list(team.order_by("pk"))


def send_hearing_reminders(days: int = 2) -> int:
    """Queue a reminder for every hearing in the next `days` days; idempotent (the outbox key repeats).

    Hearings of cases whose consent to legal representation is no longer granted are skipped.
    The body carries the case reference, the date and the court only.
    """
    now = timezone.now()
    consenting = cases_consenting_to(Case.objects.all(), Purpose.LEGAL_REPRESENTATION)
    hearings = (
        Hearing.objects.filter(
            starts_at__gte=now,
            starts_at__lt=now + timedelta(days=days),
            cancelled=False,
            proceeding__case__in=consenting,
        )
        .select_related("proceeding__case")
        .order_by("starts_at")
    )
    queued = 0
    for hearing in hearings:
        for lawyer in recipients(hearing):
            if not lawyer.email:
                continue
            with translation.override(lawyer.language), transaction.atomic():
                when = date_format(timezone.localtime(hearing.starts_at), "DATETIME_FORMAT")
                reference = hearing.proceeding.case.reference
                subject = _("Hearing %(when)s · %(reference)s") % {"when": when, "reference": reference}
                body = _("Reminder: hearing on %(when)s at %(court)s (case %(reference)s).") % {
                    "when": when,
                    "court": hearing.court,
                    "reference": reference,
                }
                key = f"hearing:{hearing.pk}:{days}:{lawyer.pk}:{hearing.starts_at:%Y%m%d%H%M}"
                enqueue_email(lawyer.email, subject, body, key=key)
            queued += 1
    return queued
