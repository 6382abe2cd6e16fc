"""The staff menu's entries for the maps (see redalert.lib.navigation)."""

from redalert.lib.navigation import register
from redalert.maps.permissions import may_view_maps

register("may_view_maps", may_view_maps)
