"""The staff menu's entry for the PFIF review area (see redalert.lib.navigation)."""

from redalert.lib.navigation import register
from redalert.pfif.permissions import may_review

register("may_review_pfif", may_review)
