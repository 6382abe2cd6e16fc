"""The security app's limits, each overridable in settings (defaults documented in docs/security.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Per account, across addresses: this many failures within the window lock the account.
    "SECURITY_ACCOUNT_FAILURE_LIMIT": 10,
    "SECURITY_ACCOUNT_WINDOW": timedelta(hours=24),
    # The first lock lasts this long; each further lock doubles it, up to the maximum.
    "SECURITY_LOCK_FIRST": timedelta(minutes=15),
    "SECURITY_LOCK_MAX": timedelta(hours=24),
    # Per address, across accounts: this many failures within the window refuse the address for the window.
    "SECURITY_ADDRESS_FAILURE_LIMIT": 20,
    "SECURITY_ADDRESS_WINDOW": timedelta(hours=1),
    # An unlock link sent by e-mail works once, for this long.
    "SECURITY_UNLOCK_LINK_AGE": timedelta(hours=1),
    # Refused case ids by one member within the window that make a burst.
    "SECURITY_REFUSAL_BURST": 20,
    "SECURITY_REFUSAL_WINDOW": timedelta(minutes=10),
    # At most one digest e-mail per organisation per this interval.
    "SECURITY_DIGEST_INTERVAL": timedelta(minutes=15),
}


def setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
