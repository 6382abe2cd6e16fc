"""The staff menu's entries for the yearly report and the regional indicators (see redalert.lib.navigation)."""

from redalert.lib.navigation import register
from redalert.statistics.permissions import may_see_coalition_report, may_see_statistics

register("may_see_statistics", may_see_statistics)
register("may_see_regional", may_see_coalition_report)
