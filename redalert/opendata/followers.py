"""What follows a change to a case in open data: a decision about "use in statistics" renews the version of the
organisation's published statistics, in the transaction of the decision (redalert.changes)."""

from __future__ import annotations

from redalert.cases.models import Case
from redalert.changes.announce import Change, Kind, follow
from redalert.consent.choices import Purpose
from redalert.opendata.models import PublishedStatisticsVersion


def renew_published_statistics(changes: list[Change]) -> None:
    case_ids = {change.case_id for change in changes}
    organisations = set(Case.objects.filter(pk__in=case_ids).values_list("organisation_id", flat=True))
    PublishedStatisticsVersion.renew(organisations)


follow(
    "published_statistics",
    [Kind.CONSENT, Kind.IMPORTED, Kind.MERGED],
    renew_published_statistics,
    in_transaction=True,
    purposes=[Purpose.STATISTICS],
)
