"""A lawyer's access (issue 17, docs/architecture.md): the general file, with the family's address and phone, only
for the cases whose team she is on; the rest of her organisation's cases look like cases that do not exist."""

import pytest
from django.urls import reverse

from redalert.access.policy import Action, may, visible_cases
from redalert.cases.services import add_team_member

pytestmark = pytest.mark.django_db


def test_a_lawyer_opens_only_her_teams_cases(client_for, case, make_case, org_a, org_b, make_user, coordinator):
    lawyer = make_user(org_a, "lawyer")
    other = make_case(org_a, coordinator, given_names="Julieta")
    add_team_member(case, lawyer, actor=coordinator)
    assert may(lawyer, Action.VIEW, case) and not may(lawyer, Action.VIEW, other)
    assert list(visible_cases(lawyer)) == [case]
    client = client_for(lawyer)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    for name in ("cases:detail", "consent:page", "legal:case"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
    listing = client.get(reverse("cases:list")).content.decode()
    assert case.reference in listing and other.reference not in listing
    # Another organisation's lawyer, even on no team, sees nothing either.
    assert client_for(make_user(org_b, "lawyer")).get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_a_lawyer_who_is_also_a_caseworker_keeps_the_caseworkers_view(case, org_a, make_user):
    both = make_user(org_a, "lawyer", "caseworker")
    assert may(both, Action.VIEW, case)
    assert not may(both, Action.VIEW, case, "legal")  # the legal section still needs the team
