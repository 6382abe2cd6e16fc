"""Writing and verifying the audit log. Every view, change and export of a case goes through `record`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
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
        head, _created = AuditHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS_HASH}
        )
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
    entry_id: int
    reason: str


def verify_chain(entries: Iterator[AuditEntry] | None = None) -> list[ChainProblem]:
    """Check every entry's hash and its link to the previous entry; return the problems found (none: intact)."""
    problems: list[ChainProblem] = []
    expected_prev = GENESIS_HASH
    last_hash = GENESIS_HASH
    for entry in entries if entries is not None else AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != expected_prev:
            problems.append(ChainProblem(entry.id, "link to the previous entry is broken"))
        if entry_digest(entry) != entry.entry_hash:
            problems.append(ChainProblem(entry.id, "content does not match its hash"))
        expected_prev = entry.entry_hash
        last_hash = entry.entry_hash
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and head.last_hash != last_hash:
        problems.append(ChainProblem(0, "the newest entries are missing (chain head does not match)"))
    return problems


__all__ = ["AuditAction", "record", "verify_chain", "ChainProblem"]
