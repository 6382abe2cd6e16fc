"""The staff menu's entry for the security events (see redalert.lib.navigation)."""

from redalert.lib.navigation import register
from redalert.security.permissions import may_view_security_events

register("may_view_security_events", may_view_security_events)
