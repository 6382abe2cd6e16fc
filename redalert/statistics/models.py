"""The yearly report's read model: one narrow row per case (issue 14: the report at a million cases).

The report counts cases by a class computed from three dates and groups them by a handful of columns of the case and
its person record. Read from the case files, every count joins two wide tables and checks each case's status
history for a reopening; read from this table, it scans one narrow row per case. `redalert.statistics.facts` is the
only place that derives the rows; they follow every announced change in its transaction (redalert.changes), so a
report never sees a case as it was before a committed change.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from redalert.accounts.models import Organisation
from redalert.cases.choices import CaseStatus
from redalert.cases.models import Case


class CaseFact(models.Model):
    """What the yearly report's case counts read of one case, as the case file says now."""

    case = models.OneToOneField(Case, primary_key=True, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    merged = models.BooleanField(default=False, help_text="Merged into another case: counted as that case.")
    reported_at = models.DateTimeField()
    located_on = models.DateField(null=True)
    closed_on = models.DateField(null=True)
    status = models.CharField(max_length=30)
    reopened = models.BooleanField(
        default=False, help_text="Ever reopened from closed: its class is computed from its status history."
    )
    # The person record's columns, as the report groups them (nationalities: the JSON list as text). NULL, not "",
    # where the case file has no value (no person record, no outcome): the groups are the database's own.
    sex = models.CharField(max_length=10, null=True)  # noqa: DJ001
    age = models.PositiveSmallIntegerField(null=True)
    nationalities = models.TextField(null=True)  # noqa: DJ001
    indigenous = models.CharField(max_length=8, null=True)  # noqa: DJ001
    indigenous_people = models.CharField(max_length=100, null=True)  # noqa: DJ001
    last_seen_place_id = models.BigIntegerField(null=True)
    outcome = models.CharField(max_length=20, null=True, help_text="The recorded outcome's result.")  # noqa: DJ001

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "reported_at"], name="statistics_fact_org_reported"),
            # The few rows a report reads one by one rather than counts (issue 14): the cases ever reopened (classed
            # from their status history) and those located whose result neither an outcome nor the status gives
            # (read from their status history). Partial, so each is a small index read, not a scan of the year.
            models.Index(fields=["organisation"], condition=Q(reopened=True), name="statistics_fact_reopened"),
            models.Index(
                fields=["organisation", "located_on"],
                condition=Q(outcome__isnull=True, located_on__isnull=False)
                & ~Q(status__in=[CaseStatus.LOCATED_ALIVE, CaseStatus.LOCATED_DECEASED]),
                name="statistics_fact_unresolved",
            ),
        ]

    def __str__(self) -> str:
        return f"statistics fact of case {self.case_id}"
