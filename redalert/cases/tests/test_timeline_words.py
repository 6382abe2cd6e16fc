"""Timeline lines are sentences in the reader's language, never raw codes."""

from __future__ import annotations

import pytest

from redalert.cases.models import TimelineEvent, TimelineKind


@pytest.mark.parametrize("kind", ["alert", "update", "cancel"])
def test_a_red_alert_line_never_shows_its_kind_code(kind):
    event = TimelineEvent(
        kind=TimelineKind.ALERT, summary_data={"event": "issued", "number": 1, "kind": kind, "recipients": 3}
    )
    line = event.describe()
    assert f"({kind})" not in line and "1" in line and "3" in line
