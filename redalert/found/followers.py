"""What follows a change to a case in the register of people found: the proposed pairs of the open records of the
case's organisation (a new case may be one of them; an edited age or place, or a case located or closed, changes
what is proposed). Queued: the register may lag a few seconds behind the cases. Runs after matching's candidate
index (kept in the announcing transaction), which it reads."""

from __future__ import annotations

from redalert.changes.announce import Kind, follow
from redalert.found.services import refresh_for_cases


def follow_case_changes(case_ids: list[int]) -> None:
    refresh_for_cases(case_ids)


follow(
    "found_candidates",
    [Kind.OPENED, Kind.EDITED, Kind.STATUS, Kind.OUTCOME, Kind.IMPORTED, Kind.MERGED],
    follow_case_changes,
    in_transaction=False,
    order=200,
)
