"""Fixtures the journeys borrow from the apps' own test set-up. They stay defined next to the tests of their app
(which use them too) and are made reachable here by importing them; the browser, the phone screen and the
screenshots come from the root conftest.py; the accessibility check wraps them here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from redalert.alerts.tests.conftest import alert_case, make_authority
from redalert.e2e.axe import JourneyCheck, summary
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


# The accessibility check (issue 17; redalert/e2e/axe.py): every journey's pages go through axe-core, and the
# journey fails on a critical or serious violation. The pages are watched here so that no journey has to ask.
@pytest.fixture(autouse=True)
def axe_check(request: pytest.FixtureRequest, browser: Any) -> Iterator[JourneyCheck]:
    check = JourneyCheck(request.node.name)
    original_new_context = browser.new_context

    def new_context(*args: Any, **kwargs: Any) -> Any:  # journeys that open their own contexts are watched too
        context = original_new_context(*args, **kwargs)
        if kwargs.get("java_script_enabled") is False:
            check.scriptless.append(context)
        context.on("page", check.watch)
        return context

    browser.new_context = new_context
    try:
        yield check
    finally:
        browser.new_context = original_new_context
    check.check_served(browser)
    path = check.write()
    problems = summary(check.findings)
    if problems:
        pytest.fail(f"Accessibility (axe-core): critical or serious violations, details in {path}:\n{problems}")


@pytest.fixture
def phone_page(phone_page: Any, axe_check: JourneyCheck) -> Iterator[Any]:
    """The root conftest's phone page, watched by the accessibility check; its last page is checked live."""
    axe_check.watch(phone_page)
    yield phone_page
    axe_check.check_live(phone_page)


@pytest.fixture
def screenshot(screenshot: Callable[[Any, str], None], axe_check: JourneyCheck) -> Callable[[Any, str], None]:
    """The root conftest's screenshots, and an accessibility check of the page as it is at that moment."""

    def take(page: Any, name: str) -> None:
        screenshot(page, name)
        axe_check.check_live(page, name)

    return take
