"""What a merge does with each part of a case file: one rule per foreign key to cases.Case, in one table.

Every model of every installed app that points at a case must be listed here (a test enumerates them through the
app registry and fails on one that is not), so that the next section added to the case file cannot be forgotten by
the merge. The rules, one sentence each:

- MOVE: every row moves to the remaining case. With `unique_with`, a row whose key (those fields, with the case)
  the remaining case already holds stays with the merged case (the same team member, the same system task).
  With `renumber`, a field numbered per case (Red Alert no. 1, 2 …) continues after the remaining case's highest.
- ONE (one-to-one): the section moves when the remaining case has none; when both have it, the remaining case
  keeps its own and the other's stays with the merged case, untouched, named in the merge record (an undo brings
  it back); the missing person's and the report's details of the merged case are also kept as a note.
- STAYS: never moves: a decision about one case file (its publication, which is never transferred: the public
  page of the merged reference redirects only if the remaining case is itself published), or bookkeeping.
- FOLLOWS: a read model, recomputed by its follower of Kind.MERGED (current consent, public listing, map facts,
  match keys, the matching index): neither moved nor counted as new.
- REFUSE: rows for which `refuse_when` holds refuse the merge with a clear message (an erased case, a pending
  erasure request); the other rows move.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from redalert.cases.models import Case


class Rule(StrEnum):
    MOVE = "move"
    ONE = "one"
    STAYS = "stays"
    FOLLOWS = "follows"
    REFUSE = "refuse"


@dataclass(frozen=True)
class Section:
    label: str  # "app_label.ModelName"
    field: str  # the field that points at the case
    rule: Rule
    unique_with: tuple[str, ...] = ()
    unique_when: Q | None = None  # only rows matching this hold the unique key (a conditional constraint)
    renumber: str = ""
    refuse_when: Q | None = None
    refusal: Any = ""  # the message when refused (lazy, translated)
    why: str = ""

    @property
    def key(self) -> str:
        return f"{self.label}.{self.field}"

    def model(self) -> type[models.Model] | None:
        """The model, or None when its app is not installed."""
        try:
            return apps.get_model(self.label)
        except LookupError:
            return None

    def rows(self, case_id: int) -> QuerySet[Any]:
        """The rows of this section that belong to a case, through the plain manager (immutable records' custom
        querysets refuse updates; a merge re-links them to the same person's remaining case, content unchanged)."""
        model = self.model()
        assert model is not None
        return model._base_manager.filter(**{f"{self.field}_id": case_id})


S = Section
R = Rule

SECTIONS: tuple[Section, ...] = (
    # The case file itself.
    S("cases.Case", "merged_into", R.STAYS, why="the merge's own pointer"),
    S("cases.MissingPerson", "case", R.ONE, why="both always have one: the remaining case's stays; note"),
    S("cases.FamilyContact", "case", R.MOVE),
    S("cases.TeamMembership", "case", R.MOVE, unique_with=("user",)),
    S("cases.Photo", "case", R.MOVE),
    S("cases.Note", "case", R.MOVE),
    S("cases.TimelineEvent", "case", R.MOVE),
    # Consent: every decision stays an immutable record and moves; the current decision is recomputed.
    S("consent.ConsentRecord", "case", R.MOVE),
    S("consent.CurrentConsent", "case", R.FOLLOWS),
    # The public site: a publication is a decision about one case file.
    S("public.Publication", "case", R.STAYS, why="never transferred; the public page redirects if allowed"),
    S("public.PublicListing", "case", R.FOLLOWS),
    # Red Alerts (their recipients and deliveries belong to the alert and follow it) and tips.
    S("alerts.Alert", "case", R.MOVE, renumber="number"),
    S("tips.Tip", "case", R.MOVE),
    # Investigation.
    S("investigation.Source", "case", R.MOVE),
    S("investigation.Finding", "case", R.MOVE),
    S("investigation.EvidenceItem", "case", R.MOVE),
    S("investigation.LinkedPerson", "case", R.MOVE),
    S("investigation.MatchKey", "case", R.FOLLOWS),
    S("investigation.TraffickingEvent", "case", R.MOVE),
    S("investigation.TraffickingFacts", "case", R.ONE),
    S("investigation.Outcome", "case", R.ONE),
    # Tasks: a system task (Protocolo Alba checkpoint …) the remaining case already has stays behind.
    S("tasks.Task", "case", R.MOVE, unique_with=("kind",), unique_when=~Q(kind="manual")),
    # Legal, care, shelters.
    S("legal.Proceeding", "case", R.MOVE),
    S("legal.ReparationEstimate", "case", R.MOVE),
    S("care.Service", "case", R.MOVE),
    S("care.Expense", "case", R.MOVE),
    S("care.Objective", "case", R.MOVE),
    S("care.Referral", "case", R.MOVE),
    S(
        "access.CaseGrant",
        "case",
        R.STAYS,
        why="the family consented to share that case file; the remaining case is shared only by a new offer",
    ),
    S("transfers.Offer", "case", R.STAYS, why="the history of what was offered of that case file, and to whom"),
    S("shelters.Stay", "case", R.MOVE),
    # Imports: the link from the source system's reference; the remaining case's own wins.
    S("imports.ImportedCase", "case", R.ONE),
    # Maps: read models.
    S("maps.CaseMapFact", "case", R.FOLLOWS),
    S("maps.RouteFact", "case", R.FOLLOWS),
    # Statistics: the yearly report's per-case rows (re-derived for both cases by the merge's announcement).
    S("statistics.CaseFact", "case", R.FOLLOWS),
    # Retention: an erased case, or one whose erasure waits for approval, is not merged.
    S(
        "retention.ErasureRequest",
        "case",
        R.REFUSE,
        refuse_when=Q(status="pending"),
        refusal=_("An erasure request for one of the cases waits for approval: decide it first."),
    ),
    S(
        "retention.ErasedCase",
        "case",
        R.REFUSE,
        refuse_when=Q(),
        refusal=_("The identity of one of the cases was erased: an erased case cannot be merged."),
    ),
    # Matching (issue 15): the intake's additional reports move; the index follows; the intake's reason stays one.
    S("matching.AdditionalReport", "case", R.MOVE),
    S("matching.CandidateKey", "case", R.FOLLOWS),
    S("matching.IntakeDecision", "case", R.ONE),
    # The register of people found: a candidate pair of the merged case becomes the remaining case's.
    S("found.Candidate", "case", R.MOVE, unique_with=("found",)),
    S("found.FoundPerson", "linked_case", R.MOVE),
    # Coalition matching (issue 15): the encoding is a read model kept by its follower; a pair across
    # organisations concerns the reference the partner was told of (it redirects to the remaining case).
    S("coalition.CoalitionEncoding", "case", R.FOLLOWS),
    S("coalition.CoalitionMatch", "case_a", R.STAYS, why="the partner knows this reference"),
    S("coalition.CoalitionMatch", "case_b", R.STAYS, why="the partner knows this reference"),
    # Webhooks: the events already collected are what was sent about that reference.
    S("webhooks.Event", "case", R.STAYS, why="history of what was sent"),
    # A hotline contact that became a report or a tip of the case (redalert.hotline): it follows the case.
    S("hotline.Contact", "case", R.MOVE),
    # A conversation of the inbox (SMS, WhatsApp, e-mail) that became a tip or a report of the case: it follows.
    S("conversations.Conversation", "case", R.MOVE),
    # A PFIF record reviewed into a case (redalert.pfif): it then names the case that remained.
    S("pfif.ImportedPerson", "case", R.MOVE),
    # This app's own bookkeeping.
    S("duplicates.DuplicatePair", "case_a", R.STAYS),
    S("duplicates.DuplicatePair", "case_b", R.STAYS),
    S("duplicates.MergeRecord", "remaining", R.STAYS),
    S("duplicates.MergeRecord", "merged", R.STAYS),
)

BY_KEY: dict[str, Section] = {section.key: section for section in SECTIONS}


def case_foreign_keys() -> list[tuple[type[models.Model], str]]:
    """Every (model, field) of the installed apps with a ForeignKey or OneToOneField to cases.Case."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for model_field in model._meta.get_fields():
            concrete = getattr(model_field, "concrete", False) and model_field.is_relation
            if concrete and model_field.related_model is Case and (model_field.many_to_one or model_field.one_to_one):
                found.append((model, model_field.name))
    return found


def installed_sections(rules: tuple[Rule, ...] | None = None) -> list[Section]:
    """The sections whose app is installed (optionally only those with these rules), in table order."""
    return [s for s in SECTIONS if s.model() is not None and (rules is None or s.rule in rules)]


def unhandled() -> list[str]:
    """Foreign keys to a case that no section handles ("app.Model.field"): must be empty."""
    return sorted(
        f"{model._meta.label}.{name}"
        for model, name in case_foreign_keys()
        if f"{model._meta.label}.{name}" not in BY_KEY
    )
