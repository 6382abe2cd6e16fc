"""The staff menu's entry for coalition matching (see redalert.lib.navigation)."""

from redalert.coalition.permissions import may_use_coalition_matching
from redalert.lib.navigation import register

register("may_use_coalition_matching", may_use_coalition_matching)
