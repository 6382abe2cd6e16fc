"""The staff menu's entry for the register of people found, and the case file's tab listing the register's pairs
with the case (see redalert.lib.navigation)."""

from typing import Any

from redalert.found.models import Candidate
from redalert.found.permissions import may_view_register
from redalert.lib.navigation import register, register_case_tab


def may_see_found_pairs(user: Any, case: Any) -> bool:
    """The tab shows once the register proposed (or someone decided) a pair with this case."""
    return may_view_register(user) and Candidate.objects.filter(case_id=case.pk).exists()


register("may_view_found_register", may_view_register)
register_case_tab("may_see_found_pairs", may_see_found_pairs)
