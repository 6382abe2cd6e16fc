"""The staff menu's entries for care (see redalert.lib.navigation)."""

from redalert.care.permissions import may_use_consultations
from redalert.lib.navigation import register

register("may_use_consultations", may_use_consultations)
