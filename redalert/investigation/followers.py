"""What follows a change to a case in the investigation app: the match keys of its linked people (keyed hashes of
names, phones, plates, venues that the staff search and the cross-case links read), kept by the workers."""

from __future__ import annotations

from redalert.changes.announce import Kind, follow
from redalert.investigation.services import refresh_case_keys


def follow_investigation_changes(case_ids: list[int]) -> None:
    refresh_case_keys(case_ids)


follow(
    "match_keys",
    [Kind.INVESTIGATION, Kind.IMPORTED, Kind.MERGED],
    follow_investigation_changes,
    in_transaction=False,
)
