"""The staff menu's entries and the call-taker's home for the hotline (see redalert.lib.navigation)."""

from typing import Any

from redalert.accounts.roles import Role
from redalert.hotline.permissions import may_edit_script, may_see_hotline_statistics, may_use_desk
from redalert.lib.navigation import register, register_home

register("may_use_hotline_desk", may_use_desk)
register("may_see_hotline_statistics", may_see_hotline_statistics)
register("may_edit_hotline_script", may_edit_script)


def lands_on_the_desk(user: Any) -> bool:
    """A call-taker lands on the desk (after the homes of the case roles she may also hold)."""
    return may_use_desk(user) and user.has_role(Role.CALL_TAKER)


register_home("call_taker", "hotline:desk", lands_on_the_desk, rank=35)
