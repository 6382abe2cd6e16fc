"""The staff menu's entry for the review queue of possible duplicates (see redalert.lib.navigation)."""

from redalert.duplicates.permissions import may_review_duplicates
from redalert.lib.navigation import register

register("may_review_duplicates", may_review_duplicates)
