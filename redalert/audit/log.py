"""Writing and verifying the audit log. Every view, change and export of a case goes through `record`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from redalert.audit.models import AuditAction, AuditEntry, AuditHead
from redalert.lib.http import client_address

GENESIS_HASH = "0" * 64


def entry_digest(entry: AuditEntry) -> str:
    """The SHA-256 of an entry's content and the hash of the entry before it."""
    content = {
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "organisation": entry.organisation_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "case": entry.case_id,
        "detail": entry.detail,
        "client": entry.client_address,
        "prev": entry.prev_hash,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    case: Any = None,
    request: HttpRequest | None = None,
    detail: Mapping[str, Any] | None = None,
    organisation_id: int | None = None,
) -> AuditEntry:
    """Append one entry to the audit log, chained to the newest one."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    if organisation_id is None:
        organisation_id = getattr(case, "organisation_id", None) or getattr(user, "organisation_id", None)
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(id=1, defaults={"last_hash": GENESIS_HASH})
        entry = AuditEntry(
            at=timezone.now(),
            actor=user,
            actor_label=user.get_username() if user else str(actor or "")[:150],
            organisation_id=organisation_id,
            action=str(action),
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            case_id=getattr(case, "pk", None),
            detail=json.loads(json.dumps(dict(detail or {}), default=str)),
            client_address=client_address(request) if request is not None else "",
            prev_hash=head.last_hash,
        )
        entry.entry_hash = entry_digest(entry)
        entry.save()
        AuditHead.objects.filter(id=1).update(last_hash=entry.entry_hash)
    return entry


@dataclass(frozen=True)
class ChainProblem:
    """One break in the chain. `entry_id` is 0 for problems with the chain head rather than with one entry."""

    entry_id: int
    reason: str


HEAD_MISSING_ENTRIES = "the newest entries are missing (chain head does not match)"
HEAD_ROW_MISSING = "the chain head row is missing"
_CATCH_UP_ROUNDS = 100


class ChainVerifier:
    """Walk the chain in id order, yielding problems as they are found; memory use does not grow with the log.

    Iterate over it once; afterwards `entries_checked` and `last_hash` describe what was verified. When
    entries are written while the walk is running, it catches up with them before comparing the newest hash with
    the chain head, so verifying a live system does not raise false alarms.
    """

    def __init__(self, entries: Iterable[AuditEntry] | None = None, *, chunk_size: int = 2000) -> None:
        self._entries = entries
        self.chunk_size = chunk_size
        self.entries_checked = 0
        self.last_id = 0
        self.last_hash = GENESIS_HASH

    def _check(self, entries: Iterable[AuditEntry]) -> Iterator[ChainProblem]:
        for entry in entries:
            if entry.prev_hash != self.last_hash:
                yield ChainProblem(entry.id, "link to the previous entry is broken")
            if entry_digest(entry) != entry.entry_hash:
                yield ChainProblem(entry.id, "content does not match its hash")
            self.last_hash = entry.entry_hash
            self.last_id = entry.id
            self.entries_checked += 1

    def _after(self, last_id: int) -> Iterator[AuditEntry]:
        return AuditEntry.objects.filter(id__gt=last_id).order_by("id").iterator(chunk_size=self.chunk_size)

    def __iter__(self) -> Iterator[ChainProblem]:
        if self._entries is not None:
            yield from self._check(self._entries)
            head = AuditHead.objects.filter(id=1).first()
            yield from self._head_problems(head)
            return
        yield from self._check(self._after(0))
        for _round in range(_CATCH_UP_ROUNDS):
            head = AuditHead.objects.filter(id=1).first()
            if head is not None and head.last_hash == self.last_hash:
                return
            if not AuditEntry.objects.filter(id__gt=self.last_id).exists():
                break
            # Entries were appended while we walked (or an old head was replaced): verify those too.
            yield from self._check(self._after(self.last_id))
        yield from self._head_problems(AuditHead.objects.filter(id=1).first())

    def _head_problems(self, head: AuditHead | None) -> Iterator[ChainProblem]:
        if head is None:
            if self.entries_checked:
                yield ChainProblem(0, HEAD_ROW_MISSING)
        elif head.last_hash != self.last_hash:
            yield ChainProblem(0, HEAD_MISSING_ENTRIES)


def verify_chain(entries: Iterable[AuditEntry] | None = None) -> list[ChainProblem]:
    """Check every entry's hash and its link to the previous entry; return the problems found (none: intact)."""
    return list(ChainVerifier(entries))


__all__ = ["AuditAction", "ChainProblem", "ChainVerifier", "record", "verify_chain"]


def save_audited(
    obj: models.Model,
    *,
    actor: Any,
    case: Any = None,
    request: HttpRequest | None = None,
    section: str,
    validate: bool = True,
) -> models.Model:
    """Validate (full_clean) and save a record of a case's section, and audit its creation or change.

    The audit entry names the record and the section, never its (possibly encrypted) content.
    """
    with transaction.atomic():
        if validate:
            obj.full_clean()
        created = obj.pk is None
        obj.save()
        record(
            actor,
            AuditAction.CREATE if created else AuditAction.CHANGE,
            obj,
            case=case,
            request=request,
            detail={"section": section},
        )
    return obj
