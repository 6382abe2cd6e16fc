"""Writing and verifying the audit log. Every view, change and export of a case goes through `record`."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from redalert.audit.models import AuditAction, AuditEntry, AuditHead
from redalert.lib.http import client_address

GENESIS_HASH = "0" * 64
LEGACY_KEY_ID = ""  # entries written before the chain was keyed: plain SHA-256, only as strong as before
_KEY_ID_LABEL = b"redalert.audit.chain-key-id:"


class UnknownChainKey(LookupError):
    """An entry names a key id that is not in AUDIT_CHAIN_KEYS (a key removed too early, or a forged entry)."""


def chain_key_id(secret: str) -> str:
    """The id an entry records for the key that signed it: a fingerprint that says nothing about the key."""
    return hashlib.sha256(_KEY_ID_LABEL + secret.encode("utf-8")).hexdigest()[:12]


def chain_keys() -> dict[str, bytes]:
    """AUDIT_CHAIN_KEYS by id, the signing key (the first one) first."""
    return {chain_key_id(secret): secret.encode("utf-8") for secret in getattr(settings, "AUDIT_CHAIN_KEYS", [])}


def signing_key_id() -> str:
    keys = chain_keys()
    if not keys:
        raise ImproperlyConfigured("AUDIT_CHAIN_KEYS is empty: the audit log cannot be signed (docs/security.md).")
    return next(iter(keys))


def _canonical(entry: AuditEntry) -> bytes:
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
    if entry.key_id != LEGACY_KEY_ID:
        content["key"] = entry.key_id
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return canonical.encode("utf-8")


def entry_digest(entry: AuditEntry) -> str:
    """An entry's MAC: HMAC-SHA256, with the chain key it names, of its content and the MAC of the entry before.

    Legacy entries (no key id) keep their plain SHA-256, which anyone with database access can recompute.
    UnknownChainKey if the entry names a key that AUDIT_CHAIN_KEYS does not hold.
    """
    if entry.key_id == LEGACY_KEY_ID:
        return hashlib.sha256(_canonical(entry)).hexdigest()
    key = chain_keys().get(entry.key_id)
    if key is None:
        raise UnknownChainKey(entry.key_id)
    return hmac.new(key, _canonical(entry), hashlib.sha256).hexdigest()


def keyed_digest(purpose: str, text: str) -> str:
    """A keyed digest of a text (HMAC-SHA256, key derived from SECRET_KEY, never stored in the database): equal
    texts give equal digests, so an auditor can tell repeated searches apart without the text being written."""
    key = hashlib.sha256(b"redalert.audit.keyed-digest:" + settings.SECRET_KEY.encode("utf-8")).digest()
    return hmac.new(key, f"{purpose}:{text}".encode(), hashlib.sha256).hexdigest()


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
    """Append one entry to the audit log, chained to the newest one.

    A case seen or changed by a member of another organisation (a case shared with hers, or one her organisation
    transferred: redalert.transfers) is written in both organisations' logs: the case's, and hers with
    `detail["case_organisation"]`, so that each sees who used what it shared or received (docs/transfers.md)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    entries = [(organisation_id, dict(detail or {}))]
    if organisation_id is None:
        organisation_id = getattr(case, "organisation_id", None) or getattr(user, "organisation_id", None)
        entries = [(organisation_id, dict(detail or {}))]
        actor_organisation = getattr(user, "organisation_id", None)
        if case is not None and organisation_id is not None and actor_organisation not in (None, organisation_id):
            entries.append((actor_organisation, {**dict(detail or {}), "case_organisation": organisation_id}))
    key_id = signing_key_id()
    written: list[AuditEntry] = []
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(id=1, defaults={"last_hash": GENESIS_HASH})
        previous = head.last_hash
        for entry_organisation, entry_detail in entries:
            entry = AuditEntry(
                at=timezone.now(),
                actor=user,
                actor_label=user.get_username() if user else str(actor or "")[:150],
                organisation_id=entry_organisation,
                action=str(action),
                object_type=obj._meta.label_lower if obj is not None else "",
                object_id=str(obj.pk) if obj is not None else "",
                case_id=getattr(case, "pk", None),
                detail=json.loads(json.dumps(entry_detail, default=str)),
                client_address=client_address(request) if request is not None else "",
                prev_hash=previous,
                key_id=key_id,
            )
            entry.entry_hash = previous = entry_digest(entry)
            entry.save()
            written.append(entry)
        AuditHead.objects.filter(id=1).update(last_hash=previous)
    return written[0]


@dataclass(frozen=True)
class Entry:
    """One entry of `record_many`: what `record` takes besides the actor and the action."""

    obj: models.Model | None = None
    case: Any = None
    detail: Mapping[str, Any] | None = None
    organisation_id: int | None = None


def record_many(actor: Any, action: str, entries: Iterable[Entry]) -> list[AuditEntry]:
    """Append many entries of one actor and action at once (an import's cases): the same entries, in the same
    order and chain, as one `record` call each, with one lock of the chain head and one insert."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    actor_label = user.get_username() if user else str(actor or "")[:150]
    key_id = signing_key_id()
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(id=1, defaults={"last_hash": GENESIS_HASH})
        previous = head.last_hash
        written: list[AuditEntry] = []
        for item in entries:
            organisation_id = item.organisation_id
            if organisation_id is None:
                organisation_id = getattr(item.case, "organisation_id", None) or getattr(user, "organisation_id", None)
            entry = AuditEntry(
                at=timezone.now(),
                actor=user,
                actor_label=actor_label,
                organisation_id=organisation_id,
                action=str(action),
                object_type=item.obj._meta.label_lower if item.obj is not None else "",
                object_id=str(item.obj.pk) if item.obj is not None else "",
                case_id=getattr(item.case, "pk", None),
                detail=json.loads(json.dumps(dict(item.detail or {}), default=str)),
                client_address="",
                prev_hash=previous,
                key_id=key_id,
            )
            entry.entry_hash = previous = entry_digest(entry)
            written.append(entry)
        if written:
            AuditEntry.objects.bulk_create(written, batch_size=500)
            AuditHead.objects.filter(id=1).update(last_hash=previous)
    return written


@dataclass(frozen=True)
class ChainProblem:
    """One break in the chain. `entry_id` is 0 for problems with the chain head rather than with one entry."""

    entry_id: int
    reason: str


HEAD_MISSING_ENTRIES = "the newest entries are missing (chain head does not match)"
HEAD_ROW_MISSING = "the chain head row is missing"
CONTENT_MISMATCH = "content does not match its hash"
LINK_BROKEN = "link to the previous entry is broken"
UNKNOWN_KEY = "signed with a key that is not in AUDIT_CHAIN_KEYS"
LEGACY_AFTER_KEYED = "an unkeyed (legacy) entry after keyed entries"
_CATCH_UP_ROUNDS = 100


class ChainVerifier:
    """Walk the chain in id order, yielding problems as they are found; memory use does not grow with the log.

    Iterate over it once; afterwards `entries_checked` and `last_hash` describe what was verified. When
    entries are written while the walk is running, it catches up with them before comparing the newest hash with
    the chain head, so verifying a live system does not raise false alarms.

    Each keyed entry's MAC is checked with the key it names (AUDIT_CHAIN_KEYS). Legacy entries (plain SHA-256,
    written before the chain was keyed) are accepted only before the first keyed entry: an entry re-hashed
    without the key after that point is reported. `after_id` / `after_hash` start the walk after an entry
    already verified (an anchor), to check only what was written since.
    """

    def __init__(
        self,
        entries: Iterable[AuditEntry] | None = None,
        *,
        chunk_size: int = 2000,
        after_id: int = 0,
        after_hash: str = GENESIS_HASH,
    ) -> None:
        self._entries = entries
        self.chunk_size = chunk_size
        self.entries_checked = 0
        self.legacy_entries = 0
        self.last_id = after_id
        self.last_hash = after_hash
        self._start_id = after_id
        self._seen_keyed = after_id > 0 and AuditEntry.objects.filter(id__lte=after_id).exclude(key_id="").exists()

    def _check(self, entries: Iterable[AuditEntry]) -> Iterator[ChainProblem]:
        for entry in entries:
            if entry.prev_hash != self.last_hash:
                yield ChainProblem(entry.id, LINK_BROKEN)
            if entry.key_id == LEGACY_KEY_ID:
                self.legacy_entries += 1
                if self._seen_keyed:
                    yield ChainProblem(entry.id, LEGACY_AFTER_KEYED)
            else:
                self._seen_keyed = True
            try:
                if not hmac.compare_digest(entry_digest(entry), entry.entry_hash):
                    yield ChainProblem(entry.id, CONTENT_MISMATCH)
            except UnknownChainKey:
                yield ChainProblem(entry.id, UNKNOWN_KEY)
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
        yield from self._check(self._after(self._start_id))
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
