"""What follows a change to a case in the matching app: its blocking keys in the candidate index.

In the announcing transaction (in_transaction=True): the intake check must see a case created seconds ago, by a
colleague at the next desk; a queued follower would leave a window in which the same girl is opened twice. The
cost is one small select and insert per changed case.
"""

from __future__ import annotations

from redalert.changes.announce import Change, Kind, follow
from redalert.matching.index import refresh_cases


def follow_case_changes(changes: list[Change]) -> None:
    refresh_cases([change.case_id for change in changes])


follow(
    "matching_index",
    [Kind.OPENED, Kind.EDITED, Kind.STATUS, Kind.OUTCOME, Kind.IMPORTED, Kind.MERGED],
    follow_case_changes,
    in_transaction=True,
)
