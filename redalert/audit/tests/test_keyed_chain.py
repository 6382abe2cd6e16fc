"""The keyed, anchored chain: an attacker with database access but without AUDIT_CHAIN_KEYS cannot delete entries
and re-hash the rest, nor cut off the newest entries, without `verify_audit_chain` failing."""

from __future__ import annotations

import hashlib
import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from redalert.audit.anchors import last_anchor, read_anchors, write_anchor
from redalert.audit.log import (
    LEGACY_AFTER_KEYED,
    LEGACY_KEY_ID,
    ChainProblem,
    chain_key_id,
    record,
    verify_chain,
)
from redalert.audit.models import AuditAction, AuditEntry, AuditHead

KEY_NEW = "test-new-audit-chain-key-abcdefghijklmnopqrstuvwxyz012345"
KEY_OLD = "test-old-audit-chain-key-zyxwvutsrqponmlkjihgfedcba987654"


@pytest.fixture(autouse=True)
def anchor_file(settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    settings.AUDIT_ANCHOR_EMAILS = []
    return settings.AUDIT_ANCHOR_FILE


def write(n: int) -> list[AuditEntry]:
    return [record("system:test", AuditAction.VIEW, detail={"n": i}) for i in range(n)]


def verify() -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit_chain", stdout=out, stderr=err)
    except CommandError as failed:
        return failed.returncode, out.getvalue()
    return 0, out.getvalue()


def plain_sha256(row: dict) -> str:
    """What the attacker computes: the pre-HMAC digest, which needs no key."""
    content = {
        "at": row["at"].isoformat(),
        "actor": row["actor_id"],
        "actor_label": row["actor_label"],
        "organisation": row["organisation_id"],
        "action": row["action"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "case": row["case_id"],
        "detail": row["detail"],
        "client": row["client_address"],
        "prev": row["prev_hash"],
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def rehash_from(raw_sql, first_id: int, *, keep_key_id: bool) -> None:
    """Re-link and re-hash every entry from `first_id` on with plain SHA-256, and move the head: a full forgery
    for the old unkeyed chain."""
    before = AuditEntry.objects.filter(id__lt=first_id).order_by("-id").first()
    prev = before.entry_hash if before else "0" * 64
    for row in AuditEntry.objects.filter(id__gte=first_id).order_by("id").values():
        row["prev_hash"] = prev
        new_hash = plain_sha256(row)
        key_id = row["key_id"] if keep_key_id else LEGACY_KEY_ID
        raw_sql(
            "UPDATE audit_auditentry SET prev_hash = %s, entry_hash = %s, key_id = %s WHERE id = %s",
            [prev, new_hash, key_id, row["id"]],
        )
        prev = new_hash
    raw_sql("UPDATE audit_audithead SET last_hash = %s WHERE id = 1", [prev])


def test_entries_are_signed_with_the_first_key_and_name_it(db, settings):
    entry = write(1)[0]
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.key_id == chain_key_id(settings.AUDIT_CHAIN_KEYS[0])
    assert stored.entry_hash != plain_sha256(AuditEntry.objects.filter(pk=entry.pk).values().get())
    assert verify_chain() == []


@pytest.mark.parametrize("keep_key_id", [True, False], ids=["keeping-key-ids", "marked-legacy"])
def test_deleting_an_entry_and_rehashing_with_plain_sha256_is_detected(triggers_suspended, raw_sql, keep_key_id):
    entries = write(5)
    with triggers_suspended():
        raw_sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[2].id])
        rehash_from(raw_sql, entries[3].id, keep_key_id=keep_key_id)
    problems = verify_chain()
    assert problems, "the forged chain passed as intact"
    assert {p.entry_id for p in problems} >= {entries[3].id, entries[4].id}
    if not keep_key_id:
        assert ChainProblem(entries[3].id, LEGACY_AFTER_KEYED) in problems
    code, out = verify()
    assert code == 1
    assert "intact" not in out


def test_rewriting_the_whole_log_as_legacy_is_detected_by_the_anchor(triggers_suspended, raw_sql):
    entries = write(4)
    write_anchor()
    with triggers_suspended():
        raw_sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].id])
        rehash_from(raw_sql, entries[0].id, keep_key_id=False)
    assert verify_chain() == []  # alone, a chain of legacy entries looks intact: the anchor is what catches it
    code, out = verify()
    assert code == 1
    assert f"entry {entries[3].id}: the anchored entry {entries[3].id} differs from its anchor" in out


def test_cutting_the_newest_entries_is_detected_against_the_anchor(triggers_suspended, raw_sql):
    entries = write(5)
    anchor = write_anchor()
    assert anchor is not None and anchor.entry_id == entries[-1].id
    with triggers_suspended():
        raw_sql("DELETE FROM audit_auditentry WHERE id >= %s", [entries[3].id])
        # The attacker also moves the head back, so that the head check alone finds nothing.
        raw_sql("UPDATE audit_audithead SET last_hash = %s WHERE id = 1", [entries[2].entry_hash])
    assert verify_chain() == []
    code, out = verify()
    assert code == 1
    assert f"the log ends at entry {entries[2].id} but entry {entries[4].id} was anchored" in out


def test_an_anchored_entry_that_is_missing_is_detected(triggers_suspended, raw_sql):
    entries = write(3)
    write_anchor()
    write(2)
    with triggers_suspended():
        raw_sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[2].id])
    code, out = verify()
    assert code == 1
    assert f"the anchored entry {entries[2].id} is missing" in out


def test_an_anchor_line_written_without_the_key_is_reported(db, anchor_file):
    write(2)
    anchor_file.write_text(
        json.dumps({"at": "x", "entry_id": 1, "entry_hash": "0" * 64, "key_id": "k", "line_mac": "0" * 64}) + "\n"
    )
    code, out = verify()
    assert code == 1
    assert "the anchor's own MAC does not verify" in out


def test_an_intact_anchored_chain_verifies_and_anchoring_twice_adds_nothing(db, anchor_file):
    write(3)
    first = write_anchor()
    assert write_anchor() is None  # nothing new
    write(2)
    second = write_anchor()
    assert first is not None and second is not None and second.entry_id > first.entry_id
    assert [a.entry_id for a in read_anchors() if not isinstance(a, str)] == [first.entry_id, second.entry_id]
    assert verify() == (0, "Audit chain intact: 5 entries.\n")


def test_anchoring_refuses_a_chain_tampered_since_the_last_anchor(triggers_suspended, raw_sql):
    write(2)
    write_anchor()
    later = write(2)
    with triggers_suspended():
        raw_sql("UPDATE audit_auditentry SET actor_label = %s WHERE id = %s", ["forged", later[0].id])
    out = StringIO()
    with pytest.raises(CommandError, match="Not anchored") as raised:
        call_command("anchor_audit_chain", stdout=out)
    assert raised.value.returncode == 1
    assert last_anchor().entry_id < later[-1].id


def test_anchor_is_emailed_to_the_designated_addresses(db, settings):
    from redalert.outbox.claiming import deliver_due

    settings.AUDIT_ANCHOR_EMAILS = ["auditoria@example.org", "direccion@example.org"]
    write(2)
    out = StringIO()
    call_command("anchor_audit_chain", stdout=out)
    assert "Anchored entry" in out.getvalue()
    deliver_due(10)
    assert sorted(m.to[0] for m in mail.outbox) == ["auditoria@example.org", "direccion@example.org"]
    anchor = last_anchor()
    assert anchor is not None and anchor.line() in mail.outbox[0].body


def test_an_anchor_line_kept_from_an_email_is_checked_too(triggers_suspended, raw_sql, anchor_file):
    entries = write(3)
    anchor = write_anchor()
    anchor_file.unlink()  # the file was lost; the e-mailed copy remains
    with triggers_suspended():
        raw_sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[2].id])
        raw_sql("UPDATE audit_audithead SET last_hash = %s WHERE id = 1", [entries[1].entry_hash])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit_chain", "--anchor-line", anchor.line(), stdout=out, stderr=StringIO())
    assert "newest entries were cut" in out.getvalue()


def test_rotation_the_old_key_verifies_and_the_new_key_signs(db):
    with override_settings(AUDIT_CHAIN_KEYS=[KEY_OLD]):
        old = write(2)
        write_anchor()
    with override_settings(AUDIT_CHAIN_KEYS=[KEY_NEW, KEY_OLD]):
        new = write(2)
        assert {e.key_id for e in old} == {chain_key_id(KEY_OLD)}
        assert {e.key_id for e in new} == {chain_key_id(KEY_NEW)}
        assert verify_chain() == []
        assert verify()[0] == 0
    with override_settings(AUDIT_CHAIN_KEYS=[KEY_NEW]):  # the old key removed too early
        problems = verify_chain()
        assert {p.entry_id for p in problems} == {old[0].id, old[1].id}
        assert {p.reason for p in problems} == {"signed with a key that is not in AUDIT_CHAIN_KEYS"}


def test_legacy_entries_still_verify_and_keyed_ones_follow_them(triggers_suspended, raw_sql):
    entries = write(3)
    with triggers_suspended():
        # Turn the log into one written before the chain was keyed (plain SHA-256, no key id).
        rehash_from(raw_sql, entries[0].id, keep_key_id=False)
    assert set(AuditEntry.objects.values_list("key_id", flat=True)) == {LEGACY_KEY_ID}
    assert verify_chain() == []
    write(2)
    assert verify_chain() == []
    assert AuditHead.objects.get().last_hash == AuditEntry.objects.order_by("-id").first().entry_hash


def test_without_a_key_nothing_is_written(db):
    from django.core.exceptions import ImproperlyConfigured

    with override_settings(AUDIT_CHAIN_KEYS=[]), pytest.raises(ImproperlyConfigured, match="AUDIT_CHAIN_KEYS"):
        record("system:test", AuditAction.VIEW)
    assert not AuditEntry.objects.exists()
