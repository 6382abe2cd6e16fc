"""The staff menu's entry for webhooks (see redalert.lib.navigation)."""

from redalert.lib.navigation import register
from redalert.webhooks.permissions import may_manage_webhooks

register("may_manage_webhooks", may_manage_webhooks)
