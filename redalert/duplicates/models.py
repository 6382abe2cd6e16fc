"""The review queue of possible duplicates, the decisions taken on it, and the record of every merge.

- `DuplicatePair`: two cases of one organisation that may be the same person, proposed by the background job
  (redalert.duplicates.finder) with the matching score and its reasons. A pair decided "different people" or merged
  is never proposed again: the job skips every pair that has a row here with another status than "proposed".
- `MergeRecord`: one merge (one case remains, the other's reference redirects to it), and `MergedRow`, one row per
  moved or created row, so that an undo moves exactly those rows back.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import Organisation
from redalert.cases.models import Case


class PairStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for a decision")
    DIFFERENT = "different", _("Different people")
    MERGED = "merged", _("Same person: merged")


class DuplicatePair(models.Model):
    """Two cases that may be the same person; `case_a` is always the lower id, so a pair has one row."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    case_a = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    case_b = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    status = models.CharField(max_length=10, choices=PairStatus.choices, default=PairStatus.PROPOSED, db_index=True)
    found_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case_a", "case_b"], name="duplicates_one_row_per_pair"),
            models.CheckConstraint(condition=Q(case_a__lt=F("case_b")), name="duplicates_pair_ordered"),
        ]
        indexes = [models.Index(fields=["organisation", "status", "-score"], name="duplicates_queue")]

    def __str__(self) -> str:
        return f"{self.case_a_id}~{self.case_b_id} ({self.status}, {self.score:.2f})"


class ScanState(models.Model):
    """Per organisation, up to when the background job has compared the cases changed (a watermark)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    scanned_up_to = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.scanned_up_to}"


class MergeRecord(models.Model):
    """One merge: `merged` now redirects to `remaining`. Undone when `undone_at` is set."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    remaining = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    pair = models.ForeignKey(DuplicatePair, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(default=timezone.now)
    # Per model label: the highest primary key when the merge committed, or for a model whose key is not a
    # counter, the keys the remaining case had. A row of the remaining case above it is new: the undo refuses.
    watermarks = models.JSONField(default=dict)
    # What stayed with the merged case and why (one-to-one sections both cases had, rows whose key was taken).
    kept = models.JSONField(default=dict, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-merged_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.remaining_id}"


class RowAction(models.TextChoices):
    MOVED = "moved", _("moved")
    CREATED = "created", _("created")


class MergedRow(models.Model):
    """One row a merge moved from the merged case to the remaining one (or created on it)."""

    merge = models.ForeignKey(MergeRecord, on_delete=models.CASCADE, related_name="rows")
    model = models.CharField(max_length=100)  # the model's label, e.g. "tips.Tip"
    row_id = models.CharField(max_length=64)
    field = models.CharField(max_length=64)  # the field that points at the case
    action = models.CharField(max_length=8, choices=RowAction.choices, default=RowAction.MOVED)
    previous = models.JSONField(default=dict, blank=True)  # other fields the merge changed, with their old values

    class Meta:
        indexes = [models.Index(fields=["merge", "model"], name="duplicates_row_by_merge")]

    def __str__(self) -> str:
        return f"{self.merge_id}: {self.model} {self.row_id} {self.action}"
