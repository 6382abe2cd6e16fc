"""The staff menu's entries for publishing (see redalert.lib.navigation)."""

from redalert.access.policy import may_edit_public_texts
from redalert.lib.navigation import register

register("may_edit_public_texts", may_edit_public_texts)
