"""The staff menu's entries for data sharing (see redalert.lib.navigation)."""

from redalert.lib.navigation import register
from redalert.opendata.permissions import may_export

register("may_export_data", may_export)
