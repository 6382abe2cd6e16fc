"""The hash chain: every entry is linked to the one before, and any change, removal or truncation shows."""

from __future__ import annotations

import threading
from itertools import pairwise

import pytest
from django.db import connection

from redalert.audit.log import (
    GENESIS_HASH,
    HEAD_MISSING_ENTRIES,
    HEAD_ROW_MISSING,
    ChainProblem,
    ChainVerifier,
    entry_digest,
    record,
    verify_chain,
)
from redalert.audit.models import AuditAction, AuditEntry, AuditHead

CONTENT = "content does not match its hash"
LINK = "link to the previous entry is broken"


def write(n: int, actor: object = "system:test") -> list[AuditEntry]:
    return [record(actor, AuditAction.VIEW, detail={"n": i}) for i in range(n)]


def test_record_links_each_entry_to_the_one_before(db):
    entries = write(4)
    stored = list(AuditEntry.objects.order_by("id"))
    assert [e.id for e in stored] == [e.id for e in entries]
    assert stored[0].prev_hash == GENESIS_HASH
    for before, after in pairwise(stored):
        assert after.prev_hash == before.entry_hash
    for entry in stored:
        assert entry.entry_hash == entry_digest(entry)
    assert AuditHead.objects.get().last_hash == stored[-1].entry_hash


def test_an_intact_chain_has_no_problems(db):
    assert verify_chain() == []  # an empty log is intact
    write(5)
    assert verify_chain() == []


def test_record_stores_actor_case_and_detail(db, org_a, make_user):
    user = make_user(org_a, "coordinator")
    entry = record(user, AuditAction.EXPORT, user, detail={"format": "csv"})
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.actor_id, stored.actor_label, stored.organisation_id) == (user.pk, user.username, org_a.pk)
    assert (stored.object_type, stored.object_id, stored.detail) == ("accounts.user", str(user.pk), {"format": "csv"})
    assert verify_chain() == []


def test_changing_an_entrys_detail_is_detected(triggers_suspended, raw_sql):
    _first, middle, _last = write(3)
    with triggers_suspended():
        changed = raw_sql(
            "UPDATE audit_auditentry SET detail = %s WHERE id = %s"
            if connection.vendor == "sqlite"
            else "UPDATE audit_auditentry SET detail = CAST(%s AS jsonb) WHERE id = %s",
            ['{"n": 99}', middle.id],
        )
    assert changed == 1
    assert verify_chain() == [ChainProblem(middle.id, CONTENT)]


def test_changing_an_entrys_action_is_detected(triggers_suspended, raw_sql):
    first, _middle, _last = write(3)
    with triggers_suspended():
        raw_sql("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["login", first.id])
    assert verify_chain() == [ChainProblem(first.id, CONTENT)]


def test_rehashing_a_changed_entry_breaks_the_link_from_the_next_one(triggers_suspended, raw_sql):
    _first, middle, last = write(3)
    forged = AuditEntry.objects.get(pk=middle.pk)
    forged.actor_label = "someone-else"
    with triggers_suspended():
        raw_sql(
            "UPDATE audit_auditentry SET actor_label = %s, entry_hash = %s WHERE id = %s",
            ["someone-else", entry_digest(forged), middle.id],
        )
    assert verify_chain() == [ChainProblem(last.id, LINK)]


def test_deleting_an_entry_in_the_middle_is_detected(triggers_suspended, raw_sql):
    entries = write(5)
    with triggers_suspended():
        assert raw_sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[2].id]) == 1
    assert verify_chain() == [ChainProblem(entries[3].id, LINK)]


def test_deleting_the_newest_entries_is_detected_by_the_head(triggers_suspended, raw_sql):
    entries = write(5)
    with triggers_suspended():
        raw_sql("DELETE FROM audit_auditentry WHERE id >= %s", [entries[3].id])
    assert verify_chain() == [ChainProblem(0, HEAD_MISSING_ENTRIES)]


def test_deleting_every_entry_is_detected_by_the_head(triggers_suspended, raw_sql):
    write(3)
    with triggers_suspended():
        raw_sql("DELETE FROM audit_auditentry")
    assert verify_chain() == [ChainProblem(0, HEAD_MISSING_ENTRIES)]


def test_deleting_the_newest_entry_and_the_head_is_detected(triggers_suspended, raw_sql):
    entries = write(3)
    with triggers_suspended():
        raw_sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].id])
        raw_sql("DELETE FROM audit_audithead")
    assert verify_chain() == [ChainProblem(0, HEAD_ROW_MISSING)]


def test_swapping_two_entries_is_detected(triggers_suspended, raw_sql):
    entries = write(4)
    a, b = entries[1], entries[2]
    with triggers_suspended():
        # Swap ids through a free one so the primary key is never duplicated.
        raw_sql("UPDATE audit_auditentry SET id = %s WHERE id = %s", [10_000_000, a.id])
        raw_sql("UPDATE audit_auditentry SET id = %s WHERE id = %s", [a.id, b.id])
        raw_sql("UPDATE audit_auditentry SET id = %s WHERE id = %s", [b.id, 10_000_000])
    problems = verify_chain()
    assert problems and {p.reason for p in problems} == {LINK}


def test_entries_from_two_actors_in_turn_form_one_linear_chain(db, org_a, org_b, make_user):
    alice, bruno = make_user(org_a, "coordinator"), make_user(org_b, "coordinator")
    for i in range(6):
        record(alice if i % 2 == 0 else bruno, AuditAction.VIEW, detail={"i": i})
    stored = list(AuditEntry.objects.order_by("id"))
    assert [e.actor_id for e in stored] == [alice.pk, bruno.pk] * 3
    assert [e.organisation_id for e in stored] == [org_a.pk, org_b.pk] * 3
    assert [e.prev_hash for e in stored] == [GENESIS_HASH] + [e.entry_hash for e in stored[:-1]]
    assert len({e.entry_hash for e in stored}) == 6
    assert verify_chain() == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need a server database")
def test_concurrent_writers_keep_one_linear_chain():
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def writer(name: str) -> None:
        try:
            start.wait()
            for i in range(15):
                record(f"system:{name}", AuditAction.VIEW, detail={"i": i})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(f"writer-{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    stored = list(AuditEntry.objects.order_by("id"))
    assert len(stored) == 60
    assert len({e.actor_label for e in stored}) == 4
    assert [e.prev_hash for e in stored] == [GENESIS_HASH] + [e.entry_hash for e in stored[:-1]]
    assert verify_chain() == []


def test_verification_catches_up_with_entries_written_meanwhile(db):
    write(3)

    class Racing(ChainVerifier):
        raced = False

        def _after(self, last_id):
            yield from super()._after(last_id)
            if not self.raced:
                self.raced = True
                record("system:racer", AuditAction.VIEW)

    verifier = Racing(chunk_size=2)
    assert list(verifier) == []
    assert verifier.entries_checked == 4
    assert verifier.last_hash == AuditHead.objects.get().last_hash


def test_verify_chain_accepts_an_explicit_sequence(db):
    entries = write(3)
    assert verify_chain(iter(AuditEntry.objects.order_by("id"))) == []
    assert verify_chain(iter(entries[:2])) == [ChainProblem(0, HEAD_MISSING_ENTRIES)]
