"""The staff menu's entries for legal accompaniment (see redalert.lib.navigation)."""

from redalert.legal.permissions import may_edit_rates, may_see_own_proceedings
from redalert.lib.navigation import register

register("may_see_own_proceedings", may_see_own_proceedings)
register("may_edit_rates", may_edit_rates)
