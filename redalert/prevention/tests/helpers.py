"""Set-up shared by the prevention tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from redalert.prevention.models import Activity

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def activity(org: Any, **fields: Any) -> Activity:
    """An activity saved through full_clean, so every test row keeps the counts' rule."""
    values: dict[str, Any] = {
        "held_on": date(2025, 3, 10),
        "activity_type": "workshop",
        "theme": "Detección e identificación de víctimas",
        "audience": "Fiscalía General del Estado",
        "audience_kind": "justice",
        "reach": "direct",
    }
    values.update(fields)
    item = Activity(organisation=org, **values)
    item.full_clean()
    item.save()
    return item
