"""The staff menu's entry for the register of people found (see redalert.lib.navigation)."""

from redalert.found.permissions import may_view_register
from redalert.lib.navigation import register

register("may_view_found_register", may_view_register)
