"""Where a caseworker lands after signing in: her cases and her tasks (see redalert.lib.navigation)."""

from typing import Any

from redalert.accounts.roles import Role
from redalert.lib.navigation import register_home


def lands_on_own_work(user: Any) -> bool:
    return user.has_role(Role.CASEWORKER, Role.FIELD_INVESTIGATOR, Role.HEALTH)


register_home("caseworker", "tasks:mine", lands_on_own_work, rank=30)
