"""The merge of every section of a case file, its rules for what both cases have, and its undo."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redalert.audit.models import AuditEntry
from redalert.cases.models import Case, Note, TimelineEvent, TimelineKind
from redalert.consent.choices import Decision, Purpose
from redalert.consent.models import CurrentConsent
from redalert.consent.rules import may_use
from redalert.duplicates.merging import MergeRefused, final_case_id, merge, undo
from redalert.duplicates.models import DuplicatePair, MergeRecord, PairStatus
from redalert.duplicates.sections import Rule, Section, installed_sections
from redalert.duplicates.tests.autofill import make_row
from redalert.testing import record_consent

MOVABLE = (Rule.MOVE, Rule.ONE, Rule.REFUSE)


def where(section: Section, row: Any) -> int:
    """The case a row belongs to now."""
    return section.rows(0).model._base_manager.filter(pk=row.pk).values_list(f"{section.field}_id", flat=True).get()


def _fill(section: Section, case: Any, user: Any) -> Any:
    model = section.model()
    assert model is not None
    values: dict[str, Any] = {}
    if "user" in section.unique_with:  # someone not yet on the team
        from redalert.accounts.models import User

        values["user"] = User.objects.create_user(username=f"fill-{case.pk}-{User.objects.count()}", password="x")
    if section.refuse_when is not None and section.label == "retention.ErasureRequest":
        values["status"] = "done"  # a decided request does not refuse the merge
    return make_row(model, case, user, **{section.field: case, **values})


def test_every_section_of_the_merged_case_moves_and_comes_back(twins: Any, coordinator: Any) -> None:
    remaining, other = twins
    rows = {}
    for section in installed_sections(MOVABLE):
        if section.label in ("retention.ErasedCase", "cases.MissingPerson"):
            continue  # an erased case refuses the merge; both cases always have a missing person
        rows[section.key] = _fill(section, other, coordinator)
    record = merge(remaining, other, actor=coordinator)
    for key, row in rows.items():
        section = next(s for s in installed_sections() if s.key == key)
        assert where(section, row) == remaining.pk, key
    other.refresh_from_db()
    assert other.merged_into_id == remaining.pk and other.merged_at is not None
    undo(record, actor=coordinator)
    for key, row in rows.items():
        section = next(s for s in installed_sections() if s.key == key)
        assert where(section, row) == other.pk, key
    other.refresh_from_db()
    assert other.merged_into_id is None


def test_one_to_one_sections_both_cases_have_stay_with_their_case(twins: Any, coordinator: Any) -> None:
    remaining, other = twins
    sections = [s for s in installed_sections((Rule.ONE,)) if s.label != "cases.MissingPerson"]
    mine = {s.key: _fill(s, remaining, coordinator) for s in sections}
    theirs = {s.key: _fill(s, other, coordinator) for s in sections}
    record = merge(remaining, other, actor=coordinator)
    for section in sections:
        assert where(section, mine[section.key]) == remaining.pk
        assert where(section, theirs[section.key]) == other.pk
    assert set(record.kept["sections"]) >= {s.label for s in sections} | {"cases.MissingPerson"}
    assert other.person.full_name == "Maria Fernanda López"  # her record is untouched, kept with her reference


def test_the_merged_report_and_person_are_kept_as_a_note(twins: Any, coordinator: Any) -> None:
    remaining, other = twins
    merge(remaining, other, actor=coordinator)
    note = Note.objects.filter(case=remaining).latest("pk")
    assert other.reference in note.body
    assert "Maria Fernanda López" in note.body and "Lucía López Pérez" in note.body


def test_team_members_and_system_tasks_the_remaining_case_has_stay_behind(twins: Any, coordinator: Any) -> None:
    remaining, other = twins
    from redalert.cases.models import TeamMembership

    assert TeamMembership.objects.filter(case=other, user=coordinator).exists()
    record = merge(remaining, other, actor=coordinator)
    assert TeamMembership.objects.filter(case=remaining, user=coordinator).count() == 1
    assert "cases.TeamMembership" in record.kept["rows"]


def test_alerts_are_numbered_after_the_remaining_cases_and_renumbered_back(twins: Any, coordinator: Any) -> None:
    remaining, other = twins
    section = next(s for s in installed_sections() if s.label == "alerts.Alert")
    model = section.model()
    assert model is not None
    make_row(model, remaining, coordinator, case=remaining, number=1)
    theirs = [make_row(model, other, coordinator, case=other, number=n) for n in (1, 2)]
    record = merge(remaining, other, actor=coordinator)
    numbers = sorted(model._base_manager.filter(case=remaining).values_list("number", flat=True))
    assert numbers == [1, 2, 3]
    undo(record, actor=coordinator)
    assert [model._base_manager.get(pk=a.pk).number for a in theirs] == [1, 2]
    assert sorted(model._base_manager.filter(case=remaining).values_list("number", flat=True)) == [1]


def test_consent_decisions_move_and_the_current_one_is_recomputed(twins: Any, coordinator: Any) -> None:
    remaining, other = twins
    record_consent(other, Purpose.STATISTICS, coordinator)
    assert not may_use(remaining, Purpose.STATISTICS)
    record = merge(remaining, other, actor=coordinator)
    assert may_use(remaining, Purpose.STATISTICS)
    assert not CurrentConsent.objects.filter(case=other).exists()
    undo(record, actor=coordinator)
    assert may_use(other, Purpose.STATISTICS) and not may_use(remaining, Purpose.STATISTICS)
    assert Decision.GRANTED


def test_timelines_and_audit_log_say_so(twins: Any, coordinator: Any) -> None:
    remaining, other = twins
    record = merge(remaining, other, actor=coordinator)
    mine = TimelineEvent.objects.filter(case=remaining, kind=TimelineKind.MERGE).get()
    theirs = TimelineEvent.objects.filter(case=other, kind=TimelineKind.MERGE).get()
    assert other.reference in mine.describe() and remaining.reference in theirs.describe()
    audited = AuditEntry.objects.filter(object_type="duplicates.mergerecord", object_id=str(record.pk))
    assert set(audited.values_list("case_id", flat=True)) == {remaining.pk, other.pk}
    undo(record, actor=coordinator)
    assert TimelineEvent.objects.filter(case=other, kind=TimelineKind.MERGE).count() == 2
    assert AuditEntry.objects.filter(object_type="duplicates.mergerecord", detail__what="merge undone").count() == 2


def test_undo_is_refused_once_something_new_was_added(twins: Any, coordinator: Any) -> None:
    from redalert.cases.services import add_note

    remaining, other = twins
    record = merge(remaining, other, actor=coordinator)
    add_note(remaining, "general", "Llamó la tía otra vez.", actor=coordinator)
    with pytest.raises(MergeRefused, match="algo nuevo"):
        undo(record, actor=coordinator)
    assert Case.objects.get(pk=other.pk).merged_into_id == remaining.pk


def test_refusals(twins: Any, coordinator: Any, make_case: Any, org_b: Any, make_user: Any) -> None:
    remaining, other = twins
    with pytest.raises(MergeRefused):
        merge(remaining, remaining, actor=coordinator)
    stranger = make_case(org_b, make_user(org_b, "coordinator"))
    with pytest.raises(MergeRefused):
        merge(remaining, stranger, actor=coordinator)
    erasure = next(s for s in installed_sections() if s.label == "retention.ErasureRequest")
    model = erasure.model()
    assert model is not None
    make_row(model, other, coordinator, case=other, status="pending")
    with pytest.raises(MergeRefused, match="supresión"):
        merge(remaining, other, actor=coordinator)
    assert not MergeRecord.objects.exists()


def test_merged_reference_leads_to_the_remaining_case_and_pair_is_decided(twins: Any, coordinator: Any) -> None:
    remaining, other = twins
    a, b = sorted([remaining, other], key=lambda c: c.pk)
    pair = DuplicatePair.objects.create(organisation=remaining.organisation, case_a=a, case_b=b, score=0.9)
    record = merge(remaining, other, actor=coordinator, pair=pair)
    assert final_case_id(other.pk) == remaining.pk
    pair.refresh_from_db()
    assert pair.status == PairStatus.MERGED and pair.decided_by == coordinator
    undo(record, actor=coordinator)
    pair.refresh_from_db()
    assert pair.status == PairStatus.PROPOSED
    assert final_case_id(other.pk) == other.pk


# --- Merge then undo restores every row's case, whatever the sections hold ----------------------------------------

SIMPLE = [
    "cases.FamilyContact",
    "cases.Note",
    "cases.Photo",
    "tips.Tip",
    "consent.ConsentRecord",
    "investigation.Finding",
    "investigation.LinkedPerson",
    "investigation.TraffickingFacts",
    "investigation.Outcome",
    "legal.Proceeding",
    "care.Service",
    "shelters.Stay",
    "tasks.Task",
]


@pytest.mark.django_db(transaction=False)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    counts=st.lists(st.tuples(st.sampled_from(SIMPLE), st.integers(0, 2), st.integers(0, 2)), max_size=6),
    alerts=st.tuples(st.integers(0, 2), st.integers(0, 2)),
    extra_members=st.integers(0, 2),
)
def test_merge_then_undo_restores_every_row(
    twins: Any, coordinator: Any, make_user: Any, counts: Any, alerts: Any, extra_members: Any
) -> None:
    from django.db import transaction

    remaining, other = twins
    by_label = {s.label: s for s in installed_sections(MOVABLE)}
    try:
        with transaction.atomic():
            for label, on_remaining, on_other in counts:
                section = by_label[label]
                one = section.rule == Rule.ONE
                for case, count in ((remaining, on_remaining), (other, on_other)):
                    have = section.rows(case.pk).exists()
                    for _n in range(1 if one and count and not have else 0 if one else count):
                        values = {"kind": "manual"} if label == "tasks.Task" else {}
                        make_row(section.model(), case, coordinator, **{section.field: case, **values})  # type: ignore[arg-type]
            alert_model = by_label["alerts.Alert"].model()
            for case, count in ((remaining, alerts[0]), (other, alerts[1])):
                for number in range(1, count + 1):
                    make_row(alert_model, case, coordinator, case=case, number=number)  # type: ignore[arg-type]
            from redalert.cases.models import TeamMembership

            for n in range(extra_members):
                member = make_user(remaining.organisation, "caseworker", username=f"member-{n}-{other.pk}")
                TeamMembership.objects.create(case=other, user=member, added_by=coordinator)
            before = _snapshot()
            record = merge(remaining, other, actor=coordinator)
            assert not any(s.rows(other.pk).exists() for s in installed_sections((Rule.MOVE,)) if _free(s)), "moved"
            undo(record, actor=coordinator)
            after = _snapshot()
            assert {key: after.get(key) for key in before} == before
            new = {key for key in after if key not in before}
            assert {key[0] for key in new} <= {"cases.TimelineEvent.case"}  # the merge's and the undo's lines
            raise _Rollback
    except _Rollback:
        pass


class _Rollback(Exception):
    """Ends an example: its rows are rolled back, so the next example starts from the two bare cases."""


def _free(section: Section) -> bool:
    """A section whose every row moves (no key that may be taken; the timeline gets the merge's own line)."""
    return not section.unique_with and section.label != "cases.TimelineEvent"


def _snapshot() -> dict[tuple[str, str], tuple[Any, ...]]:
    """Every row of every section that moves: its case and the fields a merge may change."""
    rows: dict[tuple[str, str], tuple[Any, ...]] = {}
    for section in installed_sections(MOVABLE):
        model = section.model()
        assert model is not None
        extra = [section.renumber] if section.renumber else []
        for pk, case_id, *more in model._base_manager.values_list("pk", f"{section.field}_id", *extra):
            rows[(section.key, str(pk))] = (case_id, *more)
    return rows
