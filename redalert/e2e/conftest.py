"""Fixtures the journeys borrow from the apps' own test set-up. They stay defined next to the tests of their app
(which use them too) and are made reachable here by importing them; the browser, the phone screen and the
screenshots come from the root conftest.py."""

from __future__ import annotations

from redalert.alerts.tests.conftest import alert_case, make_authority
from redalert.maps.tests.conftest import route
from redalert.opendata.tests.conftest import cases
from redalert.public.tests.conftest import photo_of_case
from redalert.statistics.tests.conftest import build
from redalert.tips.tests.conftest import make_public, public_case, public_id

__all__ = [
    "alert_case",
    "build",
    "cases",
    "make_authority",
    "make_public",
    "photo_of_case",
    "public_case",
    "public_id",
    "route",
]
