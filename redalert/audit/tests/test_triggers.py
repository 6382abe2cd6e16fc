"""The database itself refuses to change or delete audit entries, whoever connects; flushing still works."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from redalert.audit.log import record, verify_chain
from redalert.audit.models import AuditAction, AuditEntry, AuditHead
from redalert.audit.tests.conftest import append_only_triggers_suspended, execute
from redalert.audit.triggers import EXPECTED_TRIGGERS, installed_triggers, missing_triggers


def refused(sql: str, params: list[object] | None = None, match: str = "audit entries are append-only") -> None:
    # A savepoint, so that on PostgreSQL the test's transaction survives the error.
    with pytest.raises(IntegrityError, match=match), transaction.atomic():
        execute(sql, params)


def test_the_triggers_are_installed(db):
    assert installed_triggers(connection) >= EXPECTED_TRIGGERS[connection.vendor]
    assert missing_triggers(connection) == set()


def test_raw_update_is_refused(db):
    entry = record("system:test", AuditAction.VIEW, detail={"n": 1})
    refused("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["login", entry.id])
    refused("UPDATE audit_auditentry SET actor_label = %s", ["x"])
    assert AuditEntry.objects.get().action == "view"


def test_raw_delete_is_refused(db):
    entry = record("system:test", AuditAction.VIEW)
    refused("DELETE FROM audit_auditentry WHERE id = %s", [entry.id])
    refused("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.count() == 1


def test_deleting_the_chain_head_is_refused_but_advancing_it_is_not(db):
    record("system:test", AuditAction.VIEW)
    refused("DELETE FROM audit_audithead", match="the audit chain head cannot be deleted")
    entry = record("system:test", AuditAction.VIEW)
    assert AuditHead.objects.get().last_hash == entry.entry_hash
    assert verify_chain() == []


def test_the_model_refuses_changes_and_deletion(db):
    entry = record("system:test", AuditAction.VIEW)
    entry.action = AuditAction.LOGIN
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="login")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().action == "view"
    assert verify_chain() == []


def test_suspending_the_triggers_inside_a_savepoint_is_rolled_back(db):
    record("system:test", AuditAction.VIEW)
    with pytest.raises(RuntimeError), transaction.atomic():
        if connection.vendor == "postgresql":
            execute("SET CONSTRAINTS ALL IMMEDIATE")
            execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
        else:
            execute("DROP TRIGGER audit_auditentry_no_delete")
        assert missing_triggers(connection)
        raise RuntimeError("roll back")
    assert missing_triggers(connection) == set()
    refused("DELETE FROM audit_auditentry")


# The next two tests go together: the first removes the triggers and leaves them removed; the `db` fixture's
# rollback at the end of the test must bring them back (DDL is transactional on SQLite and PostgreSQL).
def test_ddl_in_a_test_is_rolled_back_1_remove_the_triggers(db):
    if connection.vendor == "postgresql":
        execute("DROP TRIGGER audit_auditentry_append_only ON audit_auditentry")
    else:
        execute("DROP TRIGGER audit_auditentry_no_update")
        execute("DROP TRIGGER audit_auditentry_no_delete")
    assert missing_triggers(connection)


def test_ddl_in_a_test_is_rolled_back_2_the_triggers_are_back(db):
    assert missing_triggers(connection) == set()


def test_the_suspension_helper_restores_the_triggers(db):
    with append_only_triggers_suspended():
        assert missing_triggers(connection)
    assert missing_triggers(connection) == set()
    record("system:test", AuditAction.VIEW)
    refused("DELETE FROM audit_auditentry")


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_audit_tables_and_keeps_the_triggers():
    # Transactional tests (and live_server) are flushed between tests: TRUNCATE on PostgreSQL, DELETE on SQLite.
    record("system:test", AuditAction.VIEW)
    record("system:test", AuditAction.VIEW)
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEntry.objects.count() == 0
    assert AuditHead.objects.count() == 0
    assert missing_triggers(connection) == set()
    record("system:test", AuditAction.VIEW)  # left for the fixture's own flush
    with pytest.raises(DatabaseError, match="append-only"):
        execute("DELETE FROM audit_auditentry")


@pytest.mark.django_db(transaction=True)
def test_the_migration_can_be_reversed_and_applied_again():
    try:
        call_command("migrate", "audit", "0001", verbosity=0)
        assert missing_triggers(connection) == EXPECTED_TRIGGERS[connection.vendor]
        # Written in SQL: at 0001 the table has no key_id column, which the current model (and record) writes.
        execute(
            "INSERT INTO audit_auditentry (at, actor_label, action, object_type, object_id, detail, "
            "client_address, prev_hash, entry_hash) VALUES (%s, 'system:test', 'view', '', '', '{}', '', %s, %s)",
            [timezone.now(), "0" * 64, "1" * 64],
        )
        execute("INSERT INTO audit_audithead (id, last_hash) VALUES (1, %s)", ["1" * 64])
        execute("DELETE FROM audit_auditentry")
        execute("DELETE FROM audit_audithead")
    finally:
        call_command("migrate", "audit", verbosity=0)
    assert missing_triggers(connection) == set()
