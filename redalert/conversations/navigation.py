"""The staff menu's entries for the conversation inbox and the channel accounts (see redalert.lib.navigation)."""

from redalert.conversations.permissions import may_connect_channels, may_use_inbox
from redalert.lib.navigation import register

register("may_use_inbox", may_use_inbox)
register("may_connect_channels", may_connect_channels)
