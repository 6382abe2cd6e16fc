"""Merging two case files of the same person, and undoing a merge. The one place that does either.

Rules, one sentence each:
- Both cases belong to one organisation, neither is already merged, and neither is erased nor waits for an
  erasure: otherwise the merge is refused with a clear message (`MergeRefused`).
- One case remains; every part of the other moves to it as `redalert.duplicates.sections` says, and each moved
  (or created) row is written down in a `MergedRow`, so that an undo moves exactly those rows back.
- The merged case keeps its reference and its own one-to-one sections the remaining case also had; it is marked
  `merged_into`, and from then on every staff link to it (and its public page, if the remaining case is itself
  public) leads to the remaining case (redalert.duplicates.middleware).
- The missing person's and the report's details of the merged case are kept on the remaining case as a general
  note, so that nothing the family told is lost from view.
- Both timelines and the audit log say so, and `announce_many(…, Kind.MERGED)` lets the read models follow
  (current consent from all the decisions now on the remaining case, public listing, map facts, match keys).
- A merge can be undone while nothing new was added to the remaining case since the merge (no row of a moved
  section above the merge's watermark) and every moved row is still on it; then both cases are as before, and
  their pair goes back to the review queue.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.choices import NoteSection
from redalert.cases.models import Case, Note, TimelineEvent, TimelineKind
from redalert.changes.announce import Kind, announce_many
from redalert.duplicates.models import DuplicatePair, MergedRow, MergeRecord, PairStatus, RowAction
from redalert.duplicates.sections import Rule, Section, installed_sections

if TYPE_CHECKING:
    from redalert.accounts.models import User

MAX_HOPS = 10  # a merged case merged again: the redirect follows at most this many links


class MergeRefused(Exception):
    """The merge (or its undo) is not allowed; the message says why, in the user's language."""


def final_case_id(case_id: int) -> int:
    """The case a reference leads to: itself, or the case it was merged into (following merges of merges)."""
    current = case_id
    for _hop in range(MAX_HOPS):
        target = Case.objects.filter(pk=current).values_list("merged_into_id", flat=True).first()
        if target is None:
            return current
        current = target
    return current


def _lock(*case_ids: int) -> dict[int, Case]:
    cases = Case.objects.select_for_update().filter(pk__in=sorted(case_ids)).order_by("pk")
    return {case.pk: case for case in cases}


def _watermarks(remaining_id: int) -> dict[str, Any]:
    """Per section: the highest key of its table now (counters), or the keys the remaining case holds."""
    marks: dict[str, Any] = {}
    for section in installed_sections((Rule.MOVE, Rule.ONE, Rule.REFUSE)):
        model = section.model()
        assert model is not None
        if isinstance(model._meta.pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
            marks[section.key] = model._base_manager.aggregate(top=Max("pk"))["top"] or 0
        else:
            marks[section.key] = sorted(str(pk) for pk in section.rows(remaining_id).values_list("pk", flat=True))
    return marks


def refusals(remaining: Case, merged: Case) -> list[str]:
    """Why these two cases may not be merged now (empty: they may)."""
    reasons: list[str] = []
    if remaining.pk == merged.pk:
        reasons.append(_("A case cannot be merged with itself."))
    if remaining.organisation_id != merged.organisation_id:
        reasons.append(_("Only cases of the same organisation can be merged."))
    if remaining.merged_into_id is not None or merged.merged_into_id is not None:
        reasons.append(_("One of the cases was already merged into another."))
    for section in installed_sections((Rule.REFUSE,)):
        assert section.refuse_when is not None
        for case in (remaining, merged):
            if section.rows(case.pk).filter(section.refuse_when).exists():
                reasons.append(str(section.refusal))
                break
    return list(dict.fromkeys(reasons))


def _move_section(section: Section, record: MergeRecord, remaining_id: int, merged_id: int) -> list[MergedRow]:
    """Move one section's rows of the merged case; returns what moved. What stays is noted in record.kept."""
    rows = section.rows(merged_id)
    target = section.rows(remaining_id)
    moved: list[MergedRow] = []
    column = f"{section.field}_id"
    if section.rule == Rule.ONE:
        if target.exists():
            if rows.exists():
                record.kept.setdefault("sections", []).append(section.label)
            return []
        ids = list(rows.values_list("pk", flat=True))
    else:
        movable = rows
        if section.rule == Rule.REFUSE:
            assert section.refuse_when is not None
            movable = rows.exclude(section.refuse_when)
        if section.unique_with:
            keyed = movable if section.unique_when is None else movable.filter(section.unique_when)
            holds_key = set(keyed.values_list("pk", flat=True))
            held = target if section.unique_when is None else target.filter(section.unique_when)
            taken = set(held.values_list(*section.unique_with))
            ids = []
            for pk, *key in movable.values_list("pk", *section.unique_with):
                if pk in holds_key and tuple(key) in taken:
                    record.kept.setdefault("rows", {}).setdefault(section.label, []).append(str(pk))
                else:
                    ids.append(pk)
        else:
            ids = list(movable.values_list("pk", flat=True))
    if not ids:
        return []
    model = rows.model
    if section.renumber and target.exists():
        top = target.aggregate(top=Max(section.renumber))["top"] or 0
        numbered = list(model._base_manager.filter(pk__in=ids).order_by(section.renumber, "pk"))
        for offset, row in enumerate(numbered, start=1):
            old = getattr(row, section.renumber)
            model._base_manager.filter(pk=row.pk).update(**{column: remaining_id, section.renumber: top + offset})
            moved.append(_row(record, section, row.pk, previous={section.renumber: old}))
        return moved
    model._base_manager.filter(pk__in=ids).update(**{column: remaining_id})
    return [_row(record, section, pk) for pk in ids]


def _row(
    record: MergeRecord, section: Section, pk: Any, *, action: str = RowAction.MOVED, previous: Any = None
) -> MergedRow:
    return MergedRow(
        merge=record,
        model=section.label,
        row_id=str(pk),
        field=section.field,
        action=action,
        previous=previous or {},
    )


def _merge_note(remaining: Case, merged: Case) -> str:
    """The merged case's own report and person, in the reader's language, kept as a note on the remaining case."""
    person = getattr(merged, "person", None)
    lines = [_("Case %(reference)s was merged into this case (the same person).") % {"reference": merged.reference}]
    if person is not None:
        lines.append(_("Name in that case: %(name)s.") % {"name": person.full_name})
        if person.aliases:
            lines.append(_("Aliases: %(aliases)s.") % {"aliases": person.aliases})
        if person.birth_date:
            lines.append(_("Date of birth: %(date)s.") % {"date": person.birth_date.isoformat()})
        elif person.estimated_age is not None:
            lines.append(_("Estimated age: %(age)s.") % {"age": person.estimated_age})
    lines.append(
        _("Its report: received %(date)s through %(channel)s, from %(name)s (%(relationship)s).")
        % {
            "date": timezone.localtime(merged.reported_at).date().isoformat(),
            "channel": merged.get_report_channel_display(),
            "name": merged.reporter_name or _("no name recorded"),
            "relationship": merged.get_reporter_relationship_display(),
        }
    )
    contact = ", ".join(part for part in (merged.reporter_phone, merged.reporter_email) if part)
    if contact:
        lines.append(_("Reporter's contact: %(contact)s.") % {"contact": contact})
    lines.append(
        _("Last seen there: %(date)s, %(place)s.")
        % {"date": merged.last_seen_on.isoformat(), "place": merged.last_seen_place.label}
    )
    if merged.last_seen_place_detail:
        lines.append(_("Exact place (private): %(detail)s.") % {"detail": merged.last_seen_place_detail})
    if merged.circumstances:
        lines.append(_("Circumstances: %(text)s") % {"text": merged.circumstances})
    return "\n".join(lines)


def merge(
    remaining: Case,
    merged: Case,
    *,
    actor: User,
    pair: DuplicatePair | None = None,
    request: HttpRequest | None = None,
) -> MergeRecord:
    """Merge `merged` into `remaining` (see the module's rules). MergeRefused says why it is not allowed."""
    with transaction.atomic():
        locked = _lock(remaining.pk, merged.pk)
        remaining, merged = locked.get(remaining.pk, remaining), locked.get(merged.pk, merged)
        reasons = refusals(remaining, merged)
        if reasons:
            raise MergeRefused(" ".join(reasons))
        now = timezone.now()
        record = MergeRecord.objects.create(
            organisation_id=remaining.organisation_id,
            remaining=remaining,
            merged=merged,
            pair=pair,
            merged_by=actor,
            merged_at=now,
            kept={},
        )
        rows: list[MergedRow] = []
        for section in installed_sections((Rule.MOVE, Rule.ONE, Rule.REFUSE)):
            rows += _move_section(section, record, remaining.pk, merged.pk)
        moved_counts: dict[str, int] = defaultdict(int)
        for row in rows:
            moved_counts[row.model] += 1
        note = Note.objects.create(
            case=remaining, section=NoteSection.GENERAL, body=_merge_note(remaining, merged), author=actor
        )
        note_event = TimelineEvent.objects.create(
            case=remaining, actor=actor, kind=TimelineKind.NOTE, section=NoteSection.GENERAL, note=note
        )
        rows.append(_row(record, _NOTE_EVENT, note_event.pk, action=RowAction.CREATED))
        rows.append(_row(record, _NOTE, note.pk, action=RowAction.CREATED))
        TimelineEvent.objects.create(
            case=remaining,
            actor=actor,
            kind=TimelineKind.MERGE,
            at=now,
            summary_data={"event": "merged_in", "other": merged.reference, "merge": record.pk},
        )
        TimelineEvent.objects.create(
            case=merged,
            actor=actor,
            kind=TimelineKind.MERGE,
            at=now,
            summary_data={"event": "merged_into", "other": remaining.reference, "merge": record.pk},
        )
        MergedRow.objects.bulk_create(rows, batch_size=1000)
        Case.objects.filter(pk=merged.pk).update(merged_into=remaining, merged_at=now)
        merged.merged_into, merged.merged_at = remaining, now
        record.watermarks = _watermarks(remaining.pk)
        record.save(update_fields=["watermarks", "kept"])
        if pair is not None:
            DuplicatePair.objects.filter(pk=pair.pk).update(status=PairStatus.MERGED, decided_at=now, decided_by=actor)
        announce_many([remaining.pk, merged.pk], Kind.MERGED, actor=actor)
        detail = {
            "what": "merge",
            "decision": "same person",
            "pair": pair.pk if pair is not None else None,
            "merge": record.pk,
            "remaining": remaining.reference,
            "merged": merged.reference,
            "moved": dict(moved_counts),
            "kept": record.kept,
        }
        audit_record(actor, AuditAction.CHANGE, record, case=remaining, request=request, detail=detail)
        audit_record(actor, AuditAction.CHANGE, record, case=merged, request=request, detail=detail)
    return record


# The rows a merge creates on the remaining case (deleted by the undo), described like sections.
_NOTE = Section("cases.Note", "case", Rule.STAYS)
_NOTE_EVENT = Section("cases.TimelineEvent", "case", Rule.STAYS)


def undo_refusals(record: MergeRecord) -> list[str]:
    """Why this merge may not be undone now (empty: it may)."""
    if record.undone_at is not None:
        return [_("This merge was already undone.")]
    remaining_id = record.remaining_id
    if Case.objects.filter(pk=remaining_id, merged_into__isnull=False).exists():
        return [_("The remaining case was itself merged into another case since: undo that merge first.")]
    created = defaultdict(set)
    for label, row_id in record.rows.filter(action=RowAction.CREATED).values_list("model", "row_id"):
        created[label].add(row_id)
    for section in installed_sections((Rule.MOVE, Rule.ONE, Rule.REFUSE)):
        mark = record.watermarks.get(section.key)
        if mark is None:  # a section added after the merge: any row of the remaining case in it is new
            if section.rows(remaining_id).exists():
                return [_new_since(section)]
            continue
        rows = section.rows(remaining_id)
        fresh = rows.filter(pk__gt=mark) if isinstance(mark, int) else rows.exclude(pk__in=mark)
        fresh_ids = {str(pk) for pk in fresh.values_list("pk", flat=True)}
        if fresh_ids - created.get(section.label, set()):
            return [_new_since(section)]
    moved: dict[tuple[str, str], list[str]] = defaultdict(list)
    for label, field, row_id in record.rows.filter(action=RowAction.MOVED).values_list("model", "field", "row_id"):
        moved[(label, field)].append(row_id)
    for (label, field), ids in moved.items():
        section = Section(label, field, Rule.MOVE)
        model = section.model()
        if model is None:
            return [_("A part of the case file that the merge moved no longer exists: the merge cannot be undone.")]
        still = model._base_manager.filter(pk__in=ids, **{f"{field}_id": remaining_id}).count()
        if still != len(set(ids)):
            return [_("Something the merge moved was changed or removed since: the merge cannot be undone.")]
    return []


def _new_since(section: Section) -> str:
    model = section.model()
    name = model._meta.verbose_name_plural if model is not None else section.label
    return _("Something new was added to the remaining case since the merge (%(what)s): it cannot be undone.") % {
        "what": name
    }


def undo(record: MergeRecord, *, actor: User, request: HttpRequest | None = None) -> None:
    """Move back exactly the rows the merge moved, delete what it created, and unmark the merged case."""
    with transaction.atomic():
        _lock(record.remaining_id, record.merged_id)
        record = MergeRecord.objects.select_for_update().get(pk=record.pk)
        reasons = undo_refusals(record)
        if reasons:
            raise MergeRefused(" ".join(reasons))
        remaining = Case.objects.get(pk=record.remaining_id)
        merged = Case.objects.get(pk=record.merged_id)
        rows = list(record.rows.order_by("-pk"))
        for row in rows:
            model = Section(row.model, row.field, Rule.MOVE).model()
            assert model is not None
            if row.action == RowAction.CREATED:
                model._base_manager.filter(pk=row.row_id).delete()
        for row in rows:
            if row.action != RowAction.MOVED:
                continue
            model = Section(row.model, row.field, Rule.MOVE).model()
            assert model is not None
            values = {f"{row.field}_id": record.merged_id, **(row.previous or {})}
            model._base_manager.filter(pk=row.row_id).update(**values)
        now = timezone.now()
        Case.objects.filter(pk=merged.pk).update(merged_into=None, merged_at=None)
        record.undone_at, record.undone_by = now, actor
        record.save(update_fields=["undone_at", "undone_by"])
        if record.pair_id is not None:
            DuplicatePair.objects.filter(pk=record.pair_id).update(
                status=PairStatus.PROPOSED, decided_at=None, decided_by=None
            )
        for case, other in ((remaining, merged), (merged, remaining)):
            TimelineEvent.objects.create(
                case=case,
                actor=actor,
                kind=TimelineKind.MERGE,
                at=now,
                summary_data={"event": "undone", "other": other.reference, "merge": record.pk},
            )
        announce_many([remaining.pk, merged.pk], Kind.MERGED, actor=actor)
        detail = {
            "what": "merge undone",
            "merge": record.pk,
            "remaining": remaining.reference,
            "merged": merged.reference,
        }
        audit_record(actor, AuditAction.CHANGE, record, case=remaining, request=request, detail=detail)
        audit_record(actor, AuditAction.CHANGE, record, case=merged, request=request, detail=detail)


def latest_merge(case_id: int) -> MergeRecord | None:
    """The merge (not undone) that made this case merged, or that merged another into it most recently."""
    return (
        MergeRecord.objects.filter(undone_at__isnull=True)
        .filter(models.Q(merged_id=case_id) | models.Q(remaining_id=case_id))
        .order_by("-merged_at", "-pk")
        .first()
    )
