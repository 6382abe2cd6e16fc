"""The staff menu's entries for shelters (see redalert.lib.navigation)."""

from typing import Any

from redalert.accounts.roles import Role
from redalert.lib.navigation import register, register_home
from redalert.shelters.permissions import may_list_facilities

register("may_list_shelters", may_list_facilities)


def lands_on_residents(user: Any) -> bool:
    return user.has_role(Role.SHELTER_STAFF) and may_list_facilities(user)


register_home("shelter_staff", "shelters:list", lands_on_residents, rank=40)
