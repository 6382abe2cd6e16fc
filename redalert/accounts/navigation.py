"""The staff menu's entries for the organisation's members (see redalert.lib.navigation)."""

from redalert.accounts.duties import may_see_requests
from redalert.accounts.permissions import may_manage_organisation
from redalert.lib.navigation import register

register("may_manage_members", may_manage_organisation)
register("may_decide_access_requests", may_see_requests)
