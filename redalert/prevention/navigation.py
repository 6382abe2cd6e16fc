"""The staff menu's entries for the prevention register (see redalert.lib.navigation)."""

from redalert.lib.navigation import register
from redalert.prevention.permissions import may_read_register

register("may_read_prevention", may_read_register)
