"""The staff menu's entries for legal accompaniment (see redalert.lib.navigation)."""

from typing import Any

from redalert.accounts.roles import Role
from redalert.legal.permissions import may_edit_rates, may_see_own_proceedings
from redalert.lib.navigation import register, register_home

register("may_see_own_proceedings", may_see_own_proceedings)
register("may_edit_rates", may_edit_rates)


def lands_on_own_proceedings(user: Any) -> bool:
    return user.has_role(Role.LAWYER) and may_see_own_proceedings(user)


register_home("lawyer", "legal:mine", lands_on_own_proceedings, rank=20)
