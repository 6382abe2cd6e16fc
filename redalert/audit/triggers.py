"""The database triggers that keep the audit log append-only (created by migration 0002_append_only_triggers).

This module only inspects them, and lifts them on SQLite while `flush` empties the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.backends.base.base import BaseDatabaseWrapper

AUDIT_TABLES = ("audit_auditentry", "audit_audithead")

EXPECTED_TRIGGERS: dict[str, frozenset[str]] = {
    "postgresql": frozenset({"audit_auditentry_append_only", "audit_audithead_no_delete"}),
    "sqlite": frozenset({"audit_auditentry_no_update", "audit_auditentry_no_delete", "audit_audithead_no_delete"}),
}


def installed_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    """Names of the enabled triggers on the audit tables."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE c.relname = ANY(%s) AND NOT t.tgisinternal AND t.tgenabled <> 'D' "
                "AND pg_catalog.pg_table_is_visible(c.oid)",
                [list(AUDIT_TABLES)],
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s)", list(AUDIT_TABLES)
            )
        else:
            return set()
        return {row[0] for row in cursor.fetchall()}


def missing_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    """Append-only triggers that should exist on this database but do not (or are disabled)."""
    return set(EXPECTED_TRIGGERS.get(connection.vendor, frozenset())) - installed_triggers(connection)


@contextmanager
def sqlite_triggers_lifted(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Drop every trigger on the audit tables, then create them again exactly as they were.

    Only for `flush` on SQLite, which empties tables with DELETE. Use it inside a transaction: SQLite's DDL is
    transactional, so if anything fails the triggers come back with the rollback.
    """
    if connection.vendor != "sqlite":
        yield
        return
    if connection.get_autocommit():
        raise RuntimeError("Lift the audit triggers only inside a transaction.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s) ORDER BY name",
            list(AUDIT_TABLES),
        )
        saved = cursor.fetchall()
        for name, _sql in saved:
            cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, sql in saved:
            cursor.execute(sql)
