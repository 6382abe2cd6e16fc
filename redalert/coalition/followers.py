"""What follows a change to a case in the coalition app: its encoding (redalert.coalition.index).

In the announcing transaction, after the current consent (order 10): a withdrawal of the consent to refer to a
partner organisation removes the encoding, and hides the case's pairs from the other member, in the same commit.
"""

from __future__ import annotations

from redalert.changes.announce import Change, Kind, follow
from redalert.coalition.index import refresh_cases


def follow_case_changes(changes: list[Change]) -> None:
    refresh_cases({change.case_id for change in changes})


follow(
    "coalition_encodings",
    [Kind.OPENED, Kind.EDITED, Kind.CONSENT, Kind.STATUS, Kind.OUTCOME, Kind.IMPORTED, Kind.MERGED],
    follow_case_changes,
    in_transaction=True,
    order=50,
)
