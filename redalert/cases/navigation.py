"""The staff menu's entries for case files (see redalert.lib.navigation)."""

from typing import Any

from redalert.access.policy import Action, may
from redalert.accounts.roles import Role
from redalert.lib.navigation import register, register_home


def may_create_case(user: Any) -> bool:
    return may(user, Action.CREATE)


register("may_create_case", may_create_case)


def lands_on_case_list(user: Any) -> bool:
    return user.has_role(Role.COORDINATOR)


register_home("coordinator", "cases:list", lands_on_case_list, rank=10)
