"""The security digest: at most one e-mail per organisation per SECURITY_DIGEST_INTERVAL (15 min) to its
coordinators and administrators, counting the alerting events (lockouts, role grants, second-factor resets,
bursts of refused case ids) not yet reported. Counts only: no names, no case data."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from redalert.accounts.roles import Role
from redalert.lib.mail import queue_email
from redalert.security.conf import setting
from redalert.security.models import ALERTING_KINDS, DigestSent, EventKind, SecurityEvent


def send_digests(now: datetime | None = None) -> int:
    """Queue the due digests; returns how many organisations were sent one."""
    now = now or timezone.now()
    pending = SecurityEvent.objects.filter(
        kind__in=ALERTING_KINDS, digested_at__isnull=True, organisation__isnull=False, at__lte=now
    )
    sent = 0
    for organisation_id in sorted(set(pending.values_list("organisation_id", flat=True))):
        if _send_one(organisation_id, now):
            sent += 1
    return sent


def _send_one(organisation_id: int, now: datetime) -> bool:
    with transaction.atomic():
        last, _created = DigestSent.objects.select_for_update().get_or_create(
            organisation_id=organisation_id, defaults={"sent_at": now - setting("SECURITY_DIGEST_INTERVAL")}
        )
        if not _created and now - last.sent_at < setting("SECURITY_DIGEST_INTERVAL"):
            return False
        events = list(
            SecurityEvent.objects.select_for_update()
            .filter(kind__in=ALERTING_KINDS, digested_at__isnull=True, organisation_id=organisation_id, at__lte=now)
            .order_by("id")
        )
        if not events:
            return False
        counts = Counter(event.kind for event in events)
        recipients = (
            get_user_model()
            .objects.filter(
                organisation_id=organisation_id,
                is_active=True,
                role_assignments__role__in=[Role.COORDINATOR, Role.ADMINISTRATOR],
            )
            .exclude(email="")
            .distinct()
            .order_by("pk")
        )
        span = f"{events[0].id}-{events[-1].id}"
        link = settings.SITE_URL.rstrip("/") + reverse("security:events")
        for member in recipients:
            with translation.override(getattr(member, "language", None) or "es"):
                lines = [f"- {EventKind(kind).label}: {counts[kind]}" for kind in EventKind if counts[kind]]
                subject = _("Security events in your organisation")
                body = (
                    _("Since the last summary, the Red Alert System recorded these security events:")
                    + "\n\n"
                    + "\n".join(lines)
                    + "\n\n"
                    + _("The details are on the security events page (administrators): %(link)s") % {"link": link}
                    + "\n\n"
                    + _("If you do not recognise them, tell your organisation's administrator at once.")
                )
            queue_email(member.email, subject, body, key=f"security-digest:{organisation_id}:{span}:{member.pk}")
        SecurityEvent.objects.filter(pk__in=[event.pk for event in events]).update(digested_at=now)
        last.sent_at = now
        last.save()
    return True
