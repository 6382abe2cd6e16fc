"""The staff menu's entries for Red Alerts (see redalert.lib.navigation)."""

from redalert.alerts.permissions import may_manage_directory, may_view_diligence
from redalert.lib.navigation import register

register("may_manage_alert_directory", may_manage_directory)
register("may_view_diligence", may_view_diligence)
