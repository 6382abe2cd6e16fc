"""The staff menu's entries for the yearly report and the regional indicators (see redalert.lib.navigation)."""

from typing import Any

from redalert.lib.navigation import register, register_home
from redalert.statistics.permissions import may_see_coalition_report, may_see_statistics

register("may_see_statistics", may_see_statistics)
register("may_see_regional", may_see_coalition_report)


def lands_on_reports(user: Any) -> bool:
    return may_see_statistics(user)


# Rank 90: whoever also works on cases lands on her case work; an analyst (aggregates only) on the reports, which
# link to the maps and indicators — never on the case list she may not open.
register_home("analyst", "statistics:index", lands_on_reports, rank=90)
