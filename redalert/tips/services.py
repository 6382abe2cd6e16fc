"""What happens to a tip: received (stored before the thanks page), notified to the team, triaged.

Rules in one sentence each:
- A tip is stored in one transaction with its timeline line and the team's notifications, or not at all.
- A client sends at most TIPS_PER_HOUR tips an hour (counted from stored tips by a keyed hash of its address), and
  makes at most TIP_ATTEMPTS_PER_HOUR attempts (every post, stored or refused, counted before any photo is decoded).
- Notification emails say that a tip arrived and where to read it, never what it says or who sent it.
- Spam and abuse are kept in a separate pile, never deleted.
- A tip's status moves only along TRANSITIONS.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from redalert.access.policy import Action, may, visible_cases
from redalert.accounts.roles import Role
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.models import Case, TeamMembership, TimelineEvent, TimelineKind
from redalert.cases.photos import CleanPhoto
from redalert.changes.announce import Kind, announce
from redalert.outbox.enqueue import enqueue_email
from redalert.places.models import Place
from redalert.tips.models import Tip, TipStatus

if TYPE_CHECKING:
    from django.http import HttpRequest

    from redalert.accounts.models import User


def tips_per_hour() -> int:
    return int(getattr(settings, "TIPS_PER_HOUR", 5))


def client_hash(address: str) -> str:
    """HMAC-SHA256 of a client address with the SECRET_KEY: counts a client's tips without storing its address."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"redalert.tips:{address}".encode(), hashlib.sha256).hexdigest()


def over_limit(hashed_client: str) -> bool:
    """Whether this client already sent TIPS_PER_HOUR tips in the last hour."""
    since = timezone.now() - timedelta(hours=1)
    return Tip.objects.filter(client_hash=hashed_client, received_at__gte=since).count() >= tips_per_hour()


def tip_attempts_per_hour() -> int:
    return int(getattr(settings, "TIP_ATTEMPTS_PER_HOUR", 20))


def allow_attempt(hashed_client: str) -> bool:
    """Count one attempt to send a tip (valid or not) in this client's hour; False once it is over the limit.

    Counted in the cache shared by the web processes (Redis in production), in windows of an hour that start with
    the client's first attempt. Called before the form is validated, so a refused client costs no decoding.
    """
    key = f"tips:attempts:{hashed_client}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= tip_attempts_per_hour()


@dataclass
class TipData:
    description: str
    seen_on: date | None = None
    seen_time: time | None = None
    place: Place | None = None
    place_description: str = ""
    latitude: str = ""
    longitude: str = ""
    photo: CleanPhoto | None = None
    anonymous: bool = True
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""


def receive_tip(case: Case, data: TipData, *, client: str, language: str, spam_reason: str = "") -> Tip:
    """Store a tip durably; unless it is spam, add it to the case's timeline and queue a notice to each team
    member with an email address (in the same transaction)."""
    anonymous = data.anonymous or not (data.contact_name or data.contact_phone or data.contact_email)
    with transaction.atomic():
        tip = Tip(
            case=case,
            language=language[:8],
            seen_on=data.seen_on,
            seen_time=data.seen_time,
            place=data.place,
            place_description=data.place_description,
            latitude=data.latitude,
            longitude=data.longitude,
            description=data.description,
            anonymous=anonymous,
            contact_name="" if anonymous else data.contact_name,
            contact_phone="" if anonymous else data.contact_phone,
            contact_email="" if anonymous else data.contact_email,
            client_hash=client,
            is_spam=bool(spam_reason),
            spam_reason=spam_reason[:200],
        )
        if data.photo is not None:
            tip.photo_sha256 = data.photo.sha256
            tip.photo.save(f"{data.photo.sha256}.jpg", ContentFile(data.photo.data), save=False)
        tip.save()
        audit_record("public", AuditAction.CREATE, tip, case=case, detail={"code": tip.code, "spam": tip.is_spam})
        if not tip.is_spam:
            TimelineEvent.objects.create(case=case, kind=TimelineKind.TIP, summary_data={"code": tip.code})
            announce(case.pk, Kind.TIP)
            notify_team(case, tip)
    return tip


def notify_team(case: Case, tip: Tip) -> int:
    """Queue one email per team member with an address: the case reference and a staff link, nothing more."""
    link = settings.SITE_URL.rstrip("/") + reverse("tips:case", args=[case.pk])
    members = (
        TeamMembership.objects.filter(case=case, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    count = 0
    for membership in members:
        user = membership.user
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("New tip for case %(reference)s") % {"reference": case.reference}
            body = _(
                "A tip from the public arrived for case %(reference)s.\n\n"
                "Read it (you will be asked to sign in):\n%(link)s\n\n"
                "For safety, this email does not contain the tip or the sender's details."
            ) % {"reference": case.reference, "link": link}
        enqueue_email(user.email, subject, body, key=f"tip:{tip.pk}:user:{user.pk}")
        count += 1
    return count


# Which statuses a tip may move to from each status.
TRANSITIONS: dict[str, frozenset[str]] = {
    TipStatus.NEW: frozenset({TipStatus.REVIEWED, TipStatus.RELEVANT, TipStatus.NOT_RELEVANT}),
    TipStatus.REVIEWED: frozenset({TipStatus.RELEVANT, TipStatus.NOT_RELEVANT}),
    TipStatus.RELEVANT: frozenset({TipStatus.ACTED_ON, TipStatus.NOT_RELEVANT}),
    TipStatus.NOT_RELEVANT: frozenset({TipStatus.RELEVANT}),
    TipStatus.ACTED_ON: frozenset(),
}


class TriageError(ValueError):
    """The move is not allowed; the message says why, in the user's language."""


def allowed_moves(tip: Tip) -> list[TipStatus]:
    return [TipStatus(s) for s in TipStatus.values if s in TRANSITIONS[tip.status]]


def triage(tip: Tip, to: str, actor: User, *, request: HttpRequest | None = None) -> Tip:
    """Move a tip to status `to` if TRANSITIONS allow it and the actor may triage the case's tips."""
    if not may(actor, Action.TRIAGE_TIPS, tip.case):
        raise PermissionError(_("You may not triage the tips of this case."))
    if to not in TipStatus.values:
        raise TriageError(_("Unknown status."))
    with transaction.atomic():
        current = Tip.objects.select_for_update().get(pk=tip.pk)
        if to not in TRANSITIONS[current.status]:
            raise TriageError(
                _("A tip cannot move from “%(from)s” to “%(to)s”.")
                % {"from": TipStatus(current.status).label, "to": TipStatus(to).label}
            )
        now = timezone.now()
        Tip.objects.filter(pk=tip.pk).update(status=to, triaged_by=actor, triaged_at=now)
        audit_record(
            actor,
            AuditAction.CHANGE,
            tip,
            case=tip.case,
            request=request,
            detail={"status": {"from": current.status, "to": to}},
        )
    tip.status, tip.triaged_by, tip.triaged_at = to, actor, now
    return tip


def set_spam(tip: Tip, spam: bool, actor: User, *, reason: str = "", request: HttpRequest | None = None) -> Tip:
    """Move a tip to the spam pile (or back); it is never deleted."""
    if not may(actor, Action.TRIAGE_TIPS, tip.case):
        raise PermissionError(_("You may not triage the tips of this case."))
    reason = (reason or (_("Marked as spam by the team") if spam else ""))[:200]
    with transaction.atomic():
        now = timezone.now()
        Tip.objects.filter(pk=tip.pk).update(is_spam=spam, spam_reason=reason, triaged_by=actor, triaged_at=now)
        audit_record(actor, AuditAction.CHANGE, tip, case=tip.case, request=request, detail={"spam": spam})
    tip.is_spam, tip.spam_reason, tip.triaged_by, tip.triaged_at = spam, reason, actor, now
    return tip


def triageable_tips(user: User) -> QuerySet[Tip]:
    """The tips of every case the user may triage: all of the organisation's for coordinators, else those of
    the cases on whose team she is (the same rule as may(user, TRIAGE_TIPS, case), in one query)."""
    cases = visible_cases(user)
    if not user.has_role(Role.COORDINATOR):
        cases = cases.filter(memberships__user=user)
    return Tip.objects.filter(case__in=cases.values("pk"))
