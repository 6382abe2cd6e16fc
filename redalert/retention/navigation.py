"""The staff menu's entries and the case file's tab for retention and erasure (see redalert.lib.navigation)."""

from redalert.lib.navigation import register, register_case_tab
from redalert.retention.permissions import may_edit_policy, may_request_erasure, may_review_requests

register("may_edit_retention", may_edit_policy)
register("may_review_erasures", may_review_requests)
register_case_tab("may_request_erasure", may_request_erasure)
