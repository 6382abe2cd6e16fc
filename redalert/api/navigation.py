"""The staff menu's entry for API clients (see redalert.lib.navigation)."""

from redalert.api.permissions import may_manage_api_clients
from redalert.lib.navigation import register

register("may_manage_api_clients", may_manage_api_clients)
