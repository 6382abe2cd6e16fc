"""Homes at 390 px (issue 17): each role signs in through the pages and lands on its own work — the caseworker on
her cases and tasks, the lawyer on her proceedings, the analyst on the reports (never a dead end), the coordinator
on the case list; the staff menu shows its groups."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from redalert.cases.services import add_team_member
from redalert.e2e.sign_in import sign_in_through_the_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("role", "path", "shot"),
    [
        ("caseworker", "/tasks/mine/", "home-caseworker-es-phone"),
        ("lawyer", "/legal/mine/", "home-lawyer-es-phone"),
        ("analyst", "/statistics/", "home-analyst-es-phone"),
        ("coordinator", "/cases/", "home-coordinator-es-phone"),
    ],
)
def test_each_role_lands_on_its_home(
    live_server, phone_page, screenshot, org_a, make_user, make_case, coordinator, role, path, shot
):
    page = phone_page
    member = make_user(org_a, role, username=f"{role}-home")
    case = make_case(org_a, coordinator)
    if role in ("caseworker", "lawyer"):
        add_team_member(case, member, actor=coordinator)
    device = TOTPDevice.objects.create(user=member, name="phone", confirmed=True)
    sign_in_through_the_pages(page, live_server.url, member.username, device)
    page.wait_for_url(f"**{path}*")
    html = page.content()
    assert "Su rol no permite abrir expedientes" not in html
    if role == "caseworker":
        assert case.reference in page.locator(".my-cases").inner_text()
    assert page.locator("#menu-organisation > summary").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, shot)
