"""The Red Alert's lines on the case timeline (issued, acknowledged, escalated).

Its own module because issuing, acknowledgement and escalation all write them, and issuing needs the
acknowledgement link: kept in issuing, it would make issuing and acknowledgement import each other.
"""

from __future__ import annotations

from typing import Any

from redalert.cases.models import Case, TimelineEvent, TimelineKind


def record_on_timeline(case: Case, actor: Any, data: dict[str, Any]) -> None:
    """One "Red Alert" line on the case's timeline; `actor` is the staff member, or None for an authority."""
    TimelineEvent.objects.create(
        case=case,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=TimelineKind.ALERT,
        summary_data=data,
    )
