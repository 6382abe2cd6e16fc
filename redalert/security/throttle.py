"""Sign-in throttling beyond django-axes' (account, address) pair.

- Per account, across addresses: SECURITY_ACCOUNT_FAILURE_LIMIT (10) failures within SECURITY_ACCOUNT_WINDOW (24 h)
  lock the account for SECURITY_LOCK_FIRST (15 min), doubling with each further lock up to SECURITY_LOCK_MAX
  (24 h). Even the right password is refused while locked. The member can lift the lock with a single-use link
  sent to her e-mail address (unlock.py). A successful sign-in resets the count of locks.
- Per address, across accounts: SECURITY_ADDRESS_FAILURE_LIMIT (20) failures within SECURITY_ADDRESS_WINDOW (1 h)
  refuse every sign-in from that address until the failures age out of the window.

Accounts are keyed by the name as typed (folded to lower case), whether or not it exists, so that a lock tells an
attacker nothing about which names exist.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from redalert.lib.http import client_address
from redalert.security.conf import setting
from redalert.security.events import record_security_event
from redalert.security.models import AccountLock, EventKind, SecurityEvent


def account_key(username: str) -> str:
    return username.strip().casefold()[:150]


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in is refused before the password is even checked, and until when."""

    reason: str  # "account" or "address"
    until: datetime


def refusal(username: str, address: str) -> Refusal | None:
    """A refusal if the account is locked or the address is blocked, else None."""
    now = timezone.now()
    lock = AccountLock.objects.filter(username=account_key(username)).first()
    if lock is not None and lock.locked_until is not None and lock.locked_until > now:
        return Refusal("account", lock.locked_until)
    if address:
        window = setting("SECURITY_ADDRESS_WINDOW")
        failures = SecurityEvent.objects.filter(
            kind=EventKind.LOGIN_FAILED, client_address=address, at__gte=now - window
        ).order_by("-at")
        limit = setting("SECURITY_ADDRESS_FAILURE_LIMIT")
        times = list(failures.values_list("at", flat=True)[:limit])
        if len(times) >= limit:
            # Refused until the oldest of the last `limit` failures leaves the window.
            return Refusal("address", times[-1] + window)
    return None


def lock_duration(lockouts: int) -> timedelta:
    """The length of the n-th lock (n >= 1): the first lock, doubled for each lock before it, at most the maximum."""
    first, longest = setting("SECURITY_LOCK_FIRST"), setting("SECURITY_LOCK_MAX")
    return min(first * (2 ** min(max(lockouts - 1, 0), 16)), longest)


def _member(username: str) -> object | None:
    model = get_user_model()
    return model.objects.filter(**{f"{model.USERNAME_FIELD}__iexact": username.strip()}).first()


def record_failure(username: str, request: HttpRequest) -> None:
    """A failed sign-in: record it, and lock the account or block the address when a limit is reached."""
    key = account_key(username)
    address = client_address(request)
    member = _member(username)
    now = timezone.now()
    with transaction.atomic():
        record_security_event(
            EventKind.LOGIN_FAILED,
            subject=member,
            username=key,
            organisation_id=getattr(member, "organisation_id", None),
            request=request,
        )
        _maybe_lock_account(key, member, request, now)
        _maybe_note_address_block(address, request, now)


def _maybe_lock_account(key: str, member: object | None, request: HttpRequest, now: datetime) -> None:
    lock, _created = AccountLock.objects.select_for_update().get_or_create(
        username=key, defaults={"counting_from": now - setting("SECURITY_ACCOUNT_WINDOW"), "nonce": _nonce()}
    )
    if lock.last_locked_at is not None and now - lock.last_locked_at > setting("SECURITY_LOCK_MAX"):
        lock.lockouts = 0  # a day after the last lock without another one, the delay starts again from the first
    since = max(lock.counting_from, now - setting("SECURITY_ACCOUNT_WINDOW"))
    failures = SecurityEvent.objects.filter(kind=EventKind.LOGIN_FAILED, username=key, at__gte=since).count()
    if failures < setting("SECURITY_ACCOUNT_FAILURE_LIMIT"):
        lock.save()
        return
    lock.lockouts += 1
    lock.locked_until = now + lock_duration(lock.lockouts)
    lock.last_locked_at = now
    lock.counting_from = now
    lock.nonce = _nonce()
    lock.save()
    record_security_event(
        EventKind.ACCOUNT_LOCKED,
        subject=member,
        username=key,
        organisation_id=getattr(member, "organisation_id", None),
        request=request,
        detail={"minutes": int(lock_duration(lock.lockouts).total_seconds() // 60), "lockout": lock.lockouts},
    )


def _maybe_note_address_block(address: str, request: HttpRequest, now: datetime) -> None:
    """One event when an address reaches its limit (not one per refused attempt afterwards)."""
    if not address:
        return
    window = setting("SECURITY_ADDRESS_WINDOW")
    failures = SecurityEvent.objects.filter(kind=EventKind.LOGIN_FAILED, client_address=address, at__gte=now - window)
    if failures.count() != setting("SECURITY_ADDRESS_FAILURE_LIMIT"):
        return
    tried = len(set(failures.values_list("username", flat=True)))
    minutes = int(window.total_seconds() // 60)
    facts = {"accounts_tried": tried, "minutes": minutes}
    record_security_event(EventKind.ADDRESS_BLOCKED, request=request, detail=facts)


def record_success(username: str) -> None:
    """A correct password: the account's failures and locks start again from zero."""
    AccountLock.objects.filter(username=account_key(username)).delete()


def _nonce() -> str:
    return secrets.token_hex(16)
