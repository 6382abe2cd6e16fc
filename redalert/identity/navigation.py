"""The staff menu's entry for the organisation's identity provider (see redalert.lib.navigation)."""

from redalert.identity.permissions import may_manage_identity_provider
from redalert.lib.navigation import register

register("may_manage_identity_provider", may_manage_identity_provider)
