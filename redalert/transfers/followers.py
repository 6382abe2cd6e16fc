"""What follows a change to a case in the transfers app.

In the announcing transaction, after the current consent (order 10): a decision about the consent to share with
partner organisations that leaves it not granted revokes every grant of the case, ends the offers and the accepted
referrals, in the same commit (the receiver's next request is a 404).
"""

from __future__ import annotations

from redalert.changes.announce import Change, Kind, follow
from redalert.consent.choices import Purpose
from redalert.transfers.services import consent_withdrawn


def follow_consent(changes: list[Change]) -> None:
    consent_withdrawn({change.case_id for change in changes})


follow("transfer_grants", [Kind.CONSENT], follow_consent, in_transaction=True, purposes=[Purpose.REFERRAL], order=40)
