"""What follows a change to a case in the consent app: the current decision per purpose (CurrentConsent)."""

from __future__ import annotations

from redalert.changes.announce import Change, Kind, follow
from redalert.consent.rules import rebuild_current_consents


def follow_consent_changes(changes: list[Change]) -> None:
    """Bring the current decisions of the changed cases up to date, before any follower reads them."""
    rebuild_current_consents(sorted({change.case_id for change in changes}))


follow(
    "current_consent",
    [Kind.CONSENT, Kind.IMPORTED, Kind.MERGED],
    follow_consent_changes,
    in_transaction=True,
    order=10,  # the public listing and the other followers read CurrentConsent
)
