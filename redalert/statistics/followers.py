"""What follows a change to a case in the yearly report: its per-case row, re-derived in the same transaction (a
report must never count a case as it was before a committed change)."""

from __future__ import annotations

from redalert.changes.announce import Change, Kind, follow
from redalert.statistics.facts import refresh_facts


def _refresh(changes: list[Change]) -> None:
    refresh_facts(change.case_id for change in changes)


follow(
    "statistics_facts",
    [Kind.OPENED, Kind.EDITED, Kind.STATUS, Kind.OUTCOME, Kind.IMPORTED, Kind.MERGED],
    _refresh,
    in_transaction=True,
)
