"""Set-up helpers shared by the test suites of several apps (never imported by application code).

They go through the same domain functions the application uses: consent records, the lifecycle, publishing.
"""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

from django.core.management import call_command

from redalert.cases.choices import CaseStatus
from redalert.cases.lifecycle import TransitionRequest, transition
from redalert.changes.announce import catch_up_all
from redalert.consent.choices import ConsentMethod, Decision, Purpose
from redalert.consent.models import ConsentRecord
from redalert.consent.services import record_decision
from redalert.public.services import publication_for, set_public


def record_consent(
    case: Any,
    purpose: str,
    by: Any,
    decision: str = Decision.GRANTED,
    *,
    on: date = date(2026, 3, 2),
    given_by: str = "Rosa Hernández Cruz",
) -> ConsentRecord:
    """A verbal, witnessed decision of the missing person's mother about one purpose, recorded by the service."""
    decision_record = ConsentRecord(
        purpose=purpose,
        decision=decision,
        given_by_name=given_by,
        given_by_relationship="mother",
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Ana Ruiz",
        decided_on=on,
    )
    return record_decision(case, decision_record, actor=by)


def write_consent_past_the_services(
    case: Any, purpose: str, by: Any, decision: str = Decision.GRANTED, *, on: date = date(2026, 3, 2)
) -> ConsentRecord:
    """A consent record written straight into the table, as a bulk load or a hand edit would: nothing follows it."""
    return ConsentRecord.objects.create(
        case=case,
        purpose=purpose,
        decision=decision,
        given_by_name="Rosa Hernández Cruz",
        given_by_relationship="mother",
        method=ConsentMethod.VERBAL_WITNESSED,
        decided_on=on,
        recorded_by=by,
    )


def start_search(case: Any, by: Any) -> Any:
    """Consent to open the file, then verification and active search, through the state machine."""
    record_consent(case, Purpose.OPEN_FILE, by)
    transition(case, TransitionRequest(CaseStatus.VERIFICATION), by)
    transition(case, TransitionRequest(CaseStatus.ACTIVE_SEARCH), by)
    return case


def make_public(case: Any, by: Any, **publication_fields: Any) -> Any:
    """Bring a case into active search if needed, record consent to publish and show it on the public site."""
    if case.status in (CaseStatus.REPORTED, CaseStatus.VERIFICATION):
        start_search(case, by)
    record_consent(case, Purpose.PUBLISH, by)
    publication = publication_for(case)
    for name, value in publication_fields.items():
        setattr(publication, name, value)
    return set_public(case, publication, True, actor=by)


def follow_changes() -> int:
    """Run the queued change followers until nothing waits, as the workers would (map facts, match keys)."""
    return catch_up_all()


REBUILDS_FINDING_NOTHING = [
    ("rebuild_current_consents", "0 row(s) changed"),
    ("rebuild_public_listing", "0 added, 0 changed, 0 removed"),
    ("rebuild_map_facts", "0 case(s) changed"),
    ("rebuild_statistics_facts", "0 case(s) changed"),
    ("rebuild_match_keys", "0 key(s) changed"),
    ("rebuild_matching_index", "0 key(s) changed"),
    ("rebuild_found_candidates", "0 added, 0 changed, 0 removed"),
    ("rebuild_coalition_encodings", "0 encoding(s) changed"),
]


def assert_rebuilds_find_nothing() -> None:
    """Every read model's rebuild command reports that it had nothing to change."""
    for command, expected in REBUILDS_FINDING_NOTHING:
        out = StringIO()
        call_command(command, stdout=out)
        assert expected in out.getvalue(), (command, out.getvalue())
