"""The one place where a change to a case is announced, and where what follows a change is registered.

Every domain function that changes a case calls `announce(case_id, Kind.X)` once, inside its transaction. The apps
that keep a read model register, in their `followers.py`, what follows each kind of change:

- a follower `in_transaction=True` runs at once, inside the announcing transaction, so that it commits or rolls
  back with the change (the current consent, the public listing: a withdrawal must hide a case in the same commit);
- a queued follower may lag: the announcement writes one `PendingFollowUp` row per (follower, case) in the same
  transaction, so nothing is lost if the process dies, and the workers (`run_worker`, Celery) catch up with
  `catch_up()` (map facts, the search and match indexes; later cache purges and webhooks).

Every follower has a rebuild command that recomputes its read model from scratch and reports what it changed;
after the queue is caught up, every rebuild reports nothing to change (a property test holds the code to that).

Followers are loaded from each app's `followers` module when Django starts (ChangesConfig.ready). Nothing here
imports an app: the apps import this module.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from redalert.changes.models import PendingFollowUp


class Kind(StrEnum):
    """What changed. A follower subscribes to the kinds that can change its read model."""

    OPENED = "opened"  # a new case (intake, import)
    EDITED = "edited"  # the general sections: report, person, disappearance, place, photos
    CONSENT = "consent"  # a consent decision (the purpose travels with it)
    PUBLICATION = "publication"  # published, unpublished, or what is shown changed
    STATUS = "status"  # a lifecycle transition (located, closed, reopened…)
    OUTCOME = "outcome"  # the outcome's details
    INVESTIGATION = "investigation"  # trafficking facts and route, linked people
    LEGAL = "legal"  # proceedings, complaints, sentences (read by the statistics)
    CARE = "care"  # services, expenses, referrals (read by the statistics)
    IMPORTED = "imported"  # created or changed by an import of historical cases
    MERGED = "merged"  # merged into another case, or a merge undone
    TIP = "tip"  # a tip from the public was received (not spam)
    ALERT = "alert"  # a Red Alert was acknowledged by an authority, or escalated


@dataclass(frozen=True)
class Change:
    case_id: int
    kind: Kind
    purpose: str = ""  # for Kind.CONSENT: which purpose the decision was about
    actor_id: int | None = None  # who made the change (None: the system, e.g. an import's worker)


@dataclass(frozen=True)
class Follower:
    """What follows some kinds of change. `handle` receives the changes (in transaction) or the case ids (queued)."""

    name: str
    kinds: frozenset[Kind]
    in_transaction: bool
    handle: Callable[[list[Change]], None] | Callable[[list[int]], None]
    purposes: frozenset[str] | None = None  # for Kind.CONSENT: only decisions about these purposes (None: all)
    order: int = 100  # in-transaction followers run by order: state others read (current consent) comes first

    def wants(self, change: Change) -> bool:
        if change.kind not in self.kinds:
            return False
        return change.kind != Kind.CONSENT or self.purposes is None or change.purpose in self.purposes


logger = logging.getLogger(__name__)
_followers: dict[str, Follower] = {}


class NotInTransaction(RuntimeError):
    """announce() was called outside a transaction: what follows would not commit with the change."""


def follow(
    name: str,
    kinds: Iterable[Kind],
    handle: Callable[[list[Change]], None] | Callable[[list[int]], None],
    *,
    in_transaction: bool,
    purposes: Iterable[str] | None = None,
    order: int = 100,
) -> None:
    """Register a follower (idempotent by name: the newest registration wins)."""
    _followers[name] = Follower(
        name=name,
        kinds=frozenset(kinds),
        in_transaction=in_transaction,
        handle=handle,
        purposes=None if purposes is None else frozenset(purposes),
        order=order,
    )


def followers() -> list[Follower]:
    return sorted(_followers.values(), key=lambda f: (f.order, f.name))


def announce(case_id: int, kind: Kind, *, purpose: str = "", actor: Any = None) -> None:
    """Say that a case changed, in this way. Call it inside the transaction that made the change."""
    announce_many([case_id], kind, purpose=purpose, actor=actor)


def announce_many(case_ids: Collection[int], kind: Kind, *, purpose: str = "", actor: Any = None) -> None:
    """The same change to many cases at once (imports, merges): one call per follower, one insert per queue."""
    if not case_ids:
        return
    if not connection.in_atomic_block:
        raise NotInTransaction(f"announce({kind}) must run inside the transaction of the change.")
    actor_id = getattr(actor, "pk", None)
    changes = [Change(pk, Kind(kind), str(purpose), actor_id) for pk in sorted(set(case_ids))]
    for follower in followers():
        wanted = [change for change in changes if follower.wants(change)]
        if not wanted:
            continue
        if follower.in_transaction:
            follower.handle(wanted)  # type: ignore[arg-type]
        else:
            PendingFollowUp.objects.bulk_create(
                [PendingFollowUp(follower=follower.name, case_id=change.case_id) for change in wanted]
            )


def pending(name: str | None = None) -> int:
    """How many announcements wait to be caught up (by one follower, or by all)."""
    rows = PendingFollowUp.objects.all()
    return (rows.filter(follower=name) if name else rows).count()


def catch_up(limit: int = 500, names: Collection[str] | None = None) -> int:
    """Run the queued followers on up to `limit` waiting announcements each; returns how many were caught up.

    Each follower's batch runs in its own transaction with its rows locked (skipped by other workers on
    PostgreSQL): the rows are deleted only if the follower succeeded, so a failure or a killed worker leaves them
    for the next round (a failure is logged and the other followers go on). A change announced while the batch
    runs writes a new row, which the next round catches up.
    """
    done = 0
    for follower in followers():
        if follower.in_transaction or (names is not None and follower.name not in names):
            continue
        try:
            with transaction.atomic():
                rows = PendingFollowUp.objects.filter(follower=follower.name).order_by("pk")
                if connection.features.has_select_for_update_skip_locked:
                    rows = rows.select_for_update(skip_locked=True)
                claimed = list(rows.values_list("pk", "case_id")[:limit])
                if not claimed:
                    continue
                follower.handle(sorted({case_id for _pk, case_id in claimed}))  # type: ignore[arg-type]
                PendingFollowUp.objects.filter(pk__in=[pk for pk, _case in claimed]).delete()
        except Exception:
            if getattr(settings, "CHANGES_RAISE_FOLLOWER_ERRORS", False):
                raise
            logger.exception("The change follower %s failed; its cases wait for the next round.", follower.name)
            continue
        done += len(claimed)
    return done


def catch_up_all(batch: int = 500) -> int:
    """Catch up every queued follower until nothing waits (tests, rebuild commands, the demo seeder)."""
    total = 0
    while True:
        done = catch_up(batch)
        total += done
        if not done:
            return total
