"""The staff menu's entry for transfers and referrals (see redalert.lib.navigation), and the case file's panel."""

from typing import Any

from redalert.access.policy import is_shared_with
from redalert.lib.intake import register_case_panel
from redalert.lib.navigation import register
from redalert.transfers.models import Offer
from redalert.transfers.permissions import may_offer, may_see_transfers

register("may_see_transfers", may_see_transfers)


def transfers_panel(user: Any, case: Any) -> dict[str, Any] | None:
    """On the case file: a shared case says from whom; the holder's coordinator may offer it and sees its offers."""
    if is_shared_with(user, case):
        return {"shared_from": case.organisation}
    if may_offer(user, case):
        return {"may_offer": True, "offers": Offer.objects.filter(case=case).select_related("to_organisation")[:20]}
    return None


register_case_panel("transfers/_case_panel.html", transfers_panel)
