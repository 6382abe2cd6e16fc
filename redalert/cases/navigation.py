"""The staff menu's entries for case files (see redalert.lib.navigation)."""

from typing import Any

from redalert.access.policy import Action, may
from redalert.lib.navigation import register


def may_create_case(user: Any) -> bool:
    return may(user, Action.CREATE)


register("may_create_case", may_create_case)
