"""What an API client may do: its scopes, and the role-equivalent set of permissions they stand for.

A client acts as its organisation through a principal (a member account that nobody can sign in with). Its roles
are not stored: they are derived from the scopes on every call, so that every endpoint asks
redalert.access.policy exactly as the pages do. A scope is checked first (403 when the client lacks it); the
policy then decides on the case, the section and the organisation (404 when it says no).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from redalert.accounts.roles import Role


class Scope(models.TextChoices):
    READ_CASES = "cases:read", _("Read cases")
    WRITE_CASES = "cases:write", _("Write cases (intake, edits, status, consent)")
    TIPS = "tips", _("Read and triage tips")
    ALERTS = "alerts", _("Red Alerts")
    STATISTICS = "statistics", _("Statistics downloads")
    READ_FOUND = "found:read", _("Read the register of people found")
    WRITE_FOUND = "found:write", _("Record people found")


# The least role whose pages cover each scope (redalert.access.policy):
# - reading cases: a caseworker sees the general sections of every case of her organisation (never the sensitive
#   ones, which are for the case's team: a client is on no team unless it reported the case);
# - writing cases, triaging every tip of the organisation, issuing alerts: what coordinators do on the pages;
# - statistics: an analyst (aggregates only, no case file);
# - the register of people found (reading it, recording in it): a caseworker, the least role that does both on the
#   pages (redalert.found.permissions); a client that may only read gets 404 on recording (the scope is checked
#   first: 403).
SCOPE_ROLES: dict[str, frozenset[str]] = {
    Scope.READ_CASES: frozenset({Role.CASEWORKER}),
    Scope.WRITE_CASES: frozenset({Role.COORDINATOR}),
    Scope.TIPS: frozenset({Role.COORDINATOR}),
    Scope.ALERTS: frozenset({Role.COORDINATOR}),
    Scope.STATISTICS: frozenset({Role.ANALYST}),
    Scope.READ_FOUND: frozenset({Role.CASEWORKER}),
    Scope.WRITE_FOUND: frozenset({Role.CASEWORKER}),
}


def roles_for(scopes: list[str]) -> frozenset[str]:
    roles: set[str] = set()
    for scope in scopes:
        roles |= SCOPE_ROLES.get(scope, frozenset())
    return frozenset(roles)
