"""The staff menu's entries and the case file's tab for care (see redalert.lib.navigation)."""

from redalert.care.permissions import may_see_care, may_use_consultations
from redalert.lib.navigation import register, register_case_tab

register("may_use_consultations", may_use_consultations)
register_case_tab("may_see_care", may_see_care)
