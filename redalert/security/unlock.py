"""Lifting an account lock by e-mail: a signed link, single-use (it carries the lock's nonce, which changes when the
lock is lifted or placed again) and expiring (SECURITY_UNLOCK_LINK_AGE), sent to the member's own address."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from redalert.lib.mail import queue_email
from redalert.security.conf import setting
from redalert.security.events import record_security_event
from redalert.security.models import AccountLock, EventKind
from redalert.security.throttle import account_key

SALT = "redalert.security.unlock"


def make_token(lock: AccountLock) -> str:
    return signing.dumps({"u": lock.username, "n": lock.nonce}, salt=SALT, compress=True)


def request_unlock(name_or_email: str) -> None:
    """Send an unlock link to every active member with this username or e-mail address whose account is locked.
    Says nothing back: the caller shows the same page whether or not such an account exists."""
    text = name_or_email.strip()[:254]
    if not text:
        return
    now = timezone.now()
    model = get_user_model()
    members = model.objects.filter(Q(username__iexact=text) | Q(email__iexact=text), is_active=True).exclude(email="")
    for member in members[:5]:
        lock = AccountLock.objects.filter(username=account_key(member.get_username()), locked_until__gt=now).first()
        if lock is None:
            continue
        link = settings.SITE_URL.rstrip("/") + reverse("security:unlock", args=[make_token(lock)])
        hours = int(setting("SECURITY_UNLOCK_LINK_AGE").total_seconds() // 3600) or 1
        with translation.override(getattr(member, "language", None) or "es"):
            subject = _("Unlock your Red Alert account")
            body = _(
                "Your account %(username)s was locked after repeated failed sign-ins.\n\n"
                "If it was you, open this link within %(hours)s hour(s) to unlock it (it works once):\n%(link)s\n\n"
                "If it was not you, do not open the link and tell your organisation's administrator: someone may be "
                "trying to guess your password."
            ) % {"username": member.get_username(), "hours": hours, "link": link}
        # One message per lock: asking again while the same lock holds queues nothing new.
        queue_email(member.email, subject, body, key=f"security-unlock:{lock.pk}:{lock.nonce}")


def redeem(token: str, request: HttpRequest | None = None) -> bool:
    """Lift the lock named by a valid, unexpired, unused link; False for any other link."""
    try:
        data = signing.loads(token, salt=SALT, max_age=setting("SECURITY_UNLOCK_LINK_AGE"))
    except signing.BadSignature:
        return False
    if not isinstance(data, dict) or not isinstance(data.get("u"), str) or not isinstance(data.get("n"), str):
        return False
    with transaction.atomic():
        lock = AccountLock.objects.select_for_update().filter(username=data["u"]).first()
        if lock is None or not secrets.compare_digest(lock.nonce, data["n"]):
            return False
        now = timezone.now()
        lock.locked_until = None
        lock.counting_from = now
        lock.nonce = secrets.token_hex(16)
        lock.save()
        member: Any = get_user_model().objects.filter(username__iexact=data["u"]).first()
        record_security_event(EventKind.ACCOUNT_UNLOCKED, subject=member, username=data["u"], request=request)
    return True
