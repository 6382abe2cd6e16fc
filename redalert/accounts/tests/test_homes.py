"""Homes (issue 17): after signing in each role lands on its own work, never on a page it may not use."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from redalert.cases.services import add_team_member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("roles", "home"),
    [
        (("coordinator",), "cases:list"),
        (("coordinator", "lawyer"), "cases:list"),
        (("caseworker",), "tasks:mine"),
        (("lawyer",), "legal:mine"),
        (("shelter_staff",), "shelters:list"),
        (("analyst",), "statistics:index"),
    ],
)
def test_each_role_lands_on_its_home_and_may_open_it(client_for, org_a, make_user, roles, home):
    client = client_for(make_user(org_a, *roles))
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302 and response["Location"] == reverse(home)
    assert client.get(response["Location"]).status_code == 200


def test_signing_in_without_next_goes_home(client, org_a, make_user):
    from redalert.accounts.views import _safe_next

    request = type("R", (), {"POST": {}, "GET": {}, "get_host": lambda self: "x", "is_secure": lambda self: False})()
    assert _safe_next(request) == reverse("accounts:home")


def test_a_caseworker_sees_her_cases_and_tasks(client_for, org_a, make_user, make_case, coordinator):
    worker = make_user(org_a, "caseworker")
    mine = make_case(org_a, coordinator, given_names="Paola")
    other = make_case(org_a, coordinator, given_names="Julieta")
    add_team_member(mine, worker, actor=coordinator)
    html = client_for(worker).get(reverse("tasks:mine")).content.decode()
    assert mine.reference in html and other.reference not in html


def test_a_shelter_worker_sees_todays_residents(client_for, org_a, make_user, case, coordinator):
    from redalert.shelters.models import Facility, Stay

    worker = make_user(org_a, "shelter_staff")
    shelter = Facility.objects.create(organisation=org_a, name="Casa Refugio Norte", kind="shelter", capacity=8)
    Stay.objects.create(
        facility=shelter, case=case, check_in_on=date.today() - timedelta(days=3), checked_in_by=coordinator
    )
    html = client_for(worker).get(reverse("shelters:list")).content.decode()
    assert 'id="h-residents"' in html and case.reference in html


def test_the_staff_menu_groups_its_less_frequent_links(client_for, org_a, make_user):
    html = client_for(make_user(org_a, "coordinator", "administrator")).get(reverse("cases:list")).content.decode()
    assert '<details class="menu-group" id="menu-organisation">' in html
    assert html.index('id="menu-organisation"') < html.index(reverse("accounts:members"))
    analyst = client_for(make_user(org_a, "analyst")).get(reverse("statistics:index")).content.decode()
    assert '<details class="menu-group" id="menu-data">' in analyst
    assert f'href="{reverse("cases:list")}"' not in analyst  # no link to a list she may not open
