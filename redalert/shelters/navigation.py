"""The staff menu's entries for shelters (see redalert.lib.navigation)."""

from redalert.lib.navigation import register
from redalert.shelters.permissions import may_list_facilities

register("may_list_shelters", may_list_facilities)
