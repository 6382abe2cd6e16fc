"""The staff menu's entries for the hotline (see redalert.lib.navigation)."""

from redalert.hotline.permissions import may_edit_script, may_see_hotline_statistics, may_use_desk
from redalert.lib.navigation import register

register("may_use_hotline_desk", may_use_desk)
register("may_see_hotline_statistics", may_see_hotline_statistics)
register("may_edit_hotline_script", may_edit_script)
