"""A member's signed-in sessions: recorded on her requests, listed on her account page, ended one or all others.

The session itself stays in Django's session store (SESSION_ENGINE, whichever it is); MemberSession keeps what the
member needs to recognise it (when it began and was last used, the browser, the address). Ending a session deletes
it from the store, so that browser is signed out at its next request.
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from redalert.accounts.models import MemberSession, User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.lib.http import client_address

if TYPE_CHECKING:
    from django.http import HttpRequest

# How often a session's "last seen" is written (not on every request).
TOUCH_EVERY = timedelta(seconds=60)


def _store() -> type:
    return import_module(settings.SESSION_ENGINE).SessionStore


def touch(request: HttpRequest) -> None:
    """Record (or refresh) the current session of the signed-in member."""
    user = request.user
    key = request.session.session_key
    if not user.is_authenticated or not key:
        return
    now = timezone.now()
    seen = MemberSession.objects.filter(session_key=key).first()
    if seen is not None and seen.user_id == user.pk:
        if now - seen.last_seen_at >= TOUCH_EVERY:
            MemberSession.objects.filter(pk=seen.pk).update(last_seen_at=now)
        return
    if seen is not None:  # a key reused by another user (a new login cycles the key, but be sure)
        seen.delete()
    try:
        with transaction.atomic():
            MemberSession.objects.create(
                session_key=key,
                user=user,
                created_at=now,
                last_seen_at=now,
                user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:200],
                address=client_address(request),
            )
    except IntegrityError:  # two requests of a new session at once: the other one wrote it
        pass


def active_for(user: User) -> QuerySet[MemberSession]:
    """Her sessions still alive: used within the idle timeout and still in the session store."""
    since = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    rows = MemberSession.objects.filter(user=user)
    store = _store()
    gone = [row.pk for row in rows if row.last_seen_at < since or not store().exists(row.session_key)]
    if gone:
        MemberSession.objects.filter(pk__in=gone).delete()
    return MemberSession.objects.filter(user=user).order_by("-last_seen_at")


def end_session(user: User, session_key: str, *, request: HttpRequest | None = None) -> bool:
    """Sign out one of her sessions (only hers). Returns whether there was one."""
    row = MemberSession.objects.filter(user=user, session_key=session_key).first()
    if row is None:
        return False
    _store()(session_key=row.session_key).delete()
    row.delete()
    audit_record(user, AuditAction.SECURITY, request=request, detail={"session": "ended", "sessions": 1})
    return True


def end_other_sessions(user: User, current_key: str | None, *, request: HttpRequest | None = None) -> int:
    """Sign out every session of hers but the current one. Returns how many."""
    rows = list(MemberSession.objects.filter(user=user).exclude(session_key=current_key or ""))
    store = _store()
    for row in rows:
        store(session_key=row.session_key).delete()
    MemberSession.objects.filter(pk__in=[row.pk for row in rows]).delete()
    audit_record(user, AuditAction.SECURITY, request=request, detail={"session": "ended", "sessions": len(rows)})
    return len(rows)


def forget(session_key: str | None) -> None:
    """At logout: the session is gone, so is its row."""
    if session_key:
        MemberSession.objects.filter(session_key=session_key).delete()
