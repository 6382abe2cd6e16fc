"""The staff menu's entries for bulk import (see redalert.lib.navigation)."""

from redalert.imports.permissions import may_import
from redalert.lib.navigation import register

register("may_import", may_import)
