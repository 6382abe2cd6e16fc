"""Anchors of the audit chain: its head (newest entry id and MAC) written, from time to time, where the database
administrator cannot rewrite it, so that deleting the newest entries, or re-writing the chain, shows.

Two places: a file named by AUDIT_ANCHOR_FILE, opened only for appending, one JSON line per anchor (make it
append-only with `chattr +a`, or put it on a mount or machine the database administrator cannot write); and,
optionally, an e-mail to AUDIT_ANCHOR_EMAILS, queued in the outbox through redalert.lib.mail (the outbox stands
above the audit app in the layers). Keep those e-mails: they are copies the database administrator cannot reach.

Each line carries its own MAC (with the chain key), so a line written by someone without the key is reported.
`anchor_problems` checks the database against every anchor in the file.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redalert.audit.log import ChainProblem, ChainVerifier, chain_keys, signing_key_id
from redalert.audit.models import AuditEntry
from redalert.audit.refusals import close_finished_windows
from redalert.lib.mail import queue_email


@dataclass(frozen=True)
class Anchor:
    at: str
    entry_id: int
    entry_hash: str
    key_id: str
    line_mac: str = ""

    def content(self) -> bytes:
        fields = {"at": self.at, "entry_id": self.entry_id, "entry_hash": self.entry_hash, "key_id": self.key_id}
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def mac(self) -> str | None:
        key = chain_keys().get(self.key_id)
        if key is None:
            return None
        return hmac.new(key, b"redalert.audit.anchor:" + self.content(), hashlib.sha256).hexdigest()

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))


def anchor_file() -> Path:
    return Path(settings.AUDIT_ANCHOR_FILE)


def read_anchors(path: Path | None = None, lines: Iterable[str] | None = None) -> Iterator[Anchor | str]:
    """The anchors in the file (or the given lines), oldest first; a line that cannot be read yields a
    description of the problem."""
    if lines is not None:
        yield from _parse(lines)
        return
    path = path or anchor_file()
    if not path.exists():
        return
    with path.open(encoding="utf-8") as opened:
        yield from _parse(opened)


def _parse(lines: Iterable[str]) -> Iterator[Anchor | str]:
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
            yield Anchor(
                at=str(data["at"]),
                entry_id=int(data["entry_id"]),
                entry_hash=str(data["entry_hash"]),
                key_id=str(data["key_id"]),
                line_mac=str(data["line_mac"]),
            )
        except (ValueError, KeyError, TypeError):
            yield f"anchor file line {number} cannot be read"


def last_anchor(path: Path | None = None) -> Anchor | None:
    newest = None
    for item in read_anchors(path):
        if isinstance(item, Anchor):
            newest = item
    return newest


class AnchorRefused(Exception):
    """The chain written since the last anchor does not verify: anchoring it would make tampering look legitimate."""

    def __init__(self, problems: list[ChainProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) since the last anchor")
        self.problems = problems


def write_anchor() -> Anchor | None:
    """Append the chain's head to the anchor file and hand it to the registered sinks.

    Returns None when there is nothing new to anchor (an empty log, or the head already anchored). Verifies the
    entries written since the last anchor first, and raises AnchorRefused if they do not verify. Finished refusal
    windows get their audit entry first (redalert.audit.refusals), so that their counts are anchored too.
    """
    close_finished_windows()
    head = AuditEntry.objects.order_by("-id").only("id", "entry_hash").first()
    if head is None:
        return None
    previous = last_anchor()
    if previous is not None and previous.entry_id == head.id and previous.entry_hash == head.entry_hash:
        return None
    problems = anchor_problems()
    if previous is not None:
        problems += list(ChainVerifier(after_id=previous.entry_id, after_hash=previous.entry_hash))
    if problems:
        raise AnchorRefused(problems)
    anchor = Anchor(
        at=timezone.now().isoformat(timespec="seconds"),
        entry_id=head.id,
        entry_hash=head.entry_hash,
        key_id=signing_key_id(),
    )
    anchor = Anchor(**{**asdict(anchor), "line_mac": anchor.mac() or ""})
    path = anchor_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_APPEND: every write goes to the end, even on a file made append-only with chattr +a.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        out.write(anchor.line() + "\n")
        out.flush()
        os.fsync(out.fileno())
    _email(anchor)
    return anchor


def _email(anchor: Anchor) -> None:
    recipients = list(getattr(settings, "AUDIT_ANCHOR_EMAILS", []))
    if not recipients:
        return
    subject = _("Audit log anchor: entry %(id)s") % {"id": anchor.entry_id}
    body = _(
        "The audit log of the Red Alert System reached entry %(id)s at %(at)s.\n\n"
        "Keep this message: it lets the organisation check later that no entry up to this one was deleted or "
        "changed (manage.py verify_audit_chain --anchor-line).\n\n%(line)s\n"
    ) % {"id": anchor.entry_id, "at": anchor.at, "line": anchor.line()}
    with transaction.atomic():
        for address in recipients:
            queue_email(
                address, subject, body, key=f"audit-anchor:{anchor.entry_id}:{anchor.entry_hash[:16]}:{address}"
            )


ANCHOR_UNREADABLE = "the anchor's own MAC does not verify (written without the chain key, or its key was removed)"
ANCHORED_ENTRY_MISSING = "the anchored entry {id} is missing"
ANCHORED_ENTRY_CHANGED = "the anchored entry {id} differs from its anchor"
CUT_AFTER_ANCHOR = "the log ends at entry {last} but entry {id} was anchored: the newest entries were cut"


def anchor_problems(
    path: Path | None = None, *, lines: Iterable[str] | None = None, newest_id: int | None = None
) -> list[ChainProblem]:
    """Compare the database with every anchor in the file. Problems with an anchor are reported on entry 0
    (the chain as a whole) except when an anchored entry exists but differs."""
    problems: list[ChainProblem] = []
    if newest_id is None:
        newest = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
        newest_id = newest or 0
    cut_reported = False
    for item in read_anchors(path, lines):
        if isinstance(item, str):
            problems.append(ChainProblem(0, item))
            continue
        expected = item.mac()
        if expected is None or not hmac.compare_digest(expected, item.line_mac):
            problems.append(ChainProblem(0, f"anchor of entry {item.entry_id}: {ANCHOR_UNREADABLE}"))
            continue
        stored = AuditEntry.objects.filter(id=item.entry_id).values_list("entry_hash", flat=True).first()
        if item.entry_id > newest_id and not cut_reported:
            problems.append(ChainProblem(0, CUT_AFTER_ANCHOR.format(last=newest_id, id=item.entry_id)))
            cut_reported = True
        elif stored is None and item.entry_id <= newest_id:
            problems.append(ChainProblem(0, ANCHORED_ENTRY_MISSING.format(id=item.entry_id)))
        elif stored is not None and not hmac.compare_digest(stored, item.entry_hash):
            problems.append(ChainProblem(item.entry_id, ANCHORED_ENTRY_CHANGED.format(id=item.entry_id)))
    return problems
