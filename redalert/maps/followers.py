"""What follows a change to a case on the maps: its map rows, re-derived by the workers (they may lag)."""

from __future__ import annotations

from redalert.changes.announce import Kind, follow
from redalert.consent.choices import Purpose
from redalert.maps.facts import FOLLOWER, refresh_facts

follow(
    FOLLOWER,
    [Kind.OPENED, Kind.EDITED, Kind.CONSENT, Kind.INVESTIGATION, Kind.IMPORTED, Kind.MERGED],
    refresh_facts,
    in_transaction=False,
    purposes=[Purpose.STATISTICS],
)
