"""Fixtures shared by every app's tests: organisations, users by role, logged-in clients, places and cases."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, settings

# Property tests assert rules, never speed: on a loaded 2-core machine (CI beside other work) an example may take
# longer than Hypothesis's defaults allow, which says nothing about the rule. Tests that set their own settings keep
# them; these are the defaults for the rest.
settings.register_profile("redalert", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("redalert")


@pytest.fixture
def org_a(db: Any) -> Any:
    from redalert.accounts.models import Organisation

    return Organisation.objects.create(name="Red de Búsqueda A", code="RBA", country="MX")


@pytest.fixture
def org_b(db: Any) -> Any:
    from redalert.accounts.models import Organisation

    return Organisation.objects.create(name="Colectivo B", code="COLB", country="GT")


@pytest.fixture
def coordinator(org_a: Any, make_user: Callable[..., Any]) -> Any:
    """A coordinator of organisation A."""
    return make_user(org_a, "coordinator")


@pytest.fixture
def case(make_case: Callable[..., Any], org_a: Any, coordinator: Any) -> Any:
    """A case of organisation A, reported by its coordinator (who is on its team)."""
    return make_case(org_a, coordinator)


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    from redalert.accounts.models import User

    def make(org: Any, *roles: str, username: str | None = None, password: str = "correct horse battery") -> Any:
        name = username or f"{'-'.join(roles) or 'nobody'}-{org.code}".lower()
        user = User.objects.create_user(username=name, password=password, organisation=org, first_name=name)
        user.set_roles(set(roles))
        return user

    return make


def verified_client(user: Any) -> Client:
    """A test client logged in as `user` with a confirmed second factor."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_for() -> Callable[[Any], Client]:
    return verified_client


@pytest.fixture
def places(db: Any) -> dict[str, Any]:
    """A tiny gazetteer: Mexico, Querétaro and Tlaxcala, two localities, and Guatemala."""
    from redalert.lib.text import fold
    from redalert.places.models import Place, PlaceKind

    def add(kind: str, code: str, name: str, country: str, **extra: Any) -> Place:
        return Place.objects.create(
            kind=kind, code=code, name=name, search_name=fold(name), country_code=country, **extra
        )

    mx = add(PlaceKind.COUNTRY, "MX", "México", "MX")
    qro = add(PlaceKind.SUBDIVISION, "MX-QUE", "Querétaro", "MX", parent=mx)
    tlax = add(PlaceKind.SUBDIVISION, "MX-TLA", "Tlaxcala", "MX", parent=mx)
    gt = add(PlaceKind.COUNTRY, "GT", "Guatemala", "GT")
    qro_city = add(
        PlaceKind.LOCALITY,
        "gn:3991164",
        "Santiago de Querétaro",
        "MX",
        parent=mx,
        subdivision=qro,
        latitude=20.58806,
        longitude=-100.38806,
    )
    tlax_city = add(
        PlaceKind.LOCALITY,
        "gn:3815415",
        "Tlaxcala de Xicohténcatl",
        "MX",
        parent=mx,
        subdivision=tlax,
        latitude=19.31905,
        longitude=-98.19982,
    )
    return {"mx": mx, "qro": qro, "tlax": tlax, "gt": gt, "qro_city": qro_city, "tlax_city": tlax_city}


@pytest.fixture
def make_case(db: Any, places: dict[str, Any]) -> Callable[..., Any]:
    """Create a case through the same domain function intake uses."""
    from redalert.cases.services import IntakeData, open_report

    def make(org: Any, by: Any, **overrides: Any) -> Any:
        data: dict[str, Any] = {
            "reported_at": timezone.make_aware(datetime(2026, 3, 2, 10, 30)),
            "report_channel": "family",
            "reporter_name": "Rosa Hernández Cruz",
            "reporter_relationship": "mother",
            "reporter_phone": "+524421234567",
            "given_names": "María Fernanda",
            "first_surname": "López",
            "second_surname": "Hernández",
            "sex": "female",
            "gender": "Feminine",
            "birth_date": date(2008, 5, 14),
            "last_seen_on": date(2026, 3, 1),
            "last_seen_place": places["qro_city"],
            "last_seen_place_detail": "Calle Hidalgo 12, frente a la tienda",
            "circumstances": "Salió a la escuela y no regresó.",
        }
        data.update(overrides)
        return open_report(IntakeData(**data), organisation=org, actor=by)

    return make


# Browser tests: Debian's Chromium driven by Playwright (it cannot download its own browsers here). One browser
# per session, shared by every browser test: two Playwright sync sessions cannot run at once in one thread.
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", "test-artifacts"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}; install it with apt-get install chromium.")
        pytest.skip("Chromium is not installed (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls there unless told.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    """A narrow, Spanish-speaking phone screen."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="es-MX")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot() -> Callable[[Any, str], None]:
    """Keep full-page screenshots under test-artifacts/ for people to look at."""

    def take(page: Any, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Each test starts with an empty cache (rate limits, cached filter choices, the maps' memory of places)."""
    from django.core.cache import cache

    from redalert.maps.places import forget

    cache.clear()
    forget()
    yield
