"""Database triggers that make the audit log append-only, whatever client connects.

PostgreSQL: a row-level BEFORE UPDATE OR DELETE trigger on audit_auditentry, and BEFORE DELETE on
audit_audithead. There is deliberately no BEFORE TRUNCATE trigger: Django's `flush` (and pytest-django's
transactional tests) empty tables with TRUNCATE. TRUNCATE needs the table owner or the TRUNCATE privilege, i.e. a
database administrator, and the hash chain and its head still show that entries are gone.

SQLite: equivalent BEFORE UPDATE / BEFORE DELETE triggers. `flush` on SQLite empties tables with DELETE, so the
audit app overrides `flush` to lift these triggers for the duration of the flush (redalert/audit/triggers.py).
Beware: on SQLite, any later migration that alters these tables rebuilds them and drops the triggers; such a
migration must create them again (`manage.py verify_audit_chain` warns when they are missing).

The SQL is copied here on purpose, so that this migration keeps doing what it did when the code moves on.
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_auditentry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change('audit entries are append-only')
    """,
    """
    CREATE TRIGGER audit_audithead_no_delete
    BEFORE DELETE ON audit_audithead
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change('the audit chain head cannot be deleted')
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_audithead_no_delete ON audit_audithead",
    "DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
]

SQLITE_FORWARD = [
    """
    CREATE TRIGGER audit_auditentry_no_update BEFORE UPDATE ON audit_auditentry
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END
    """,
    """
    CREATE TRIGGER audit_auditentry_no_delete BEFORE DELETE ON audit_auditentry
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END
    """,
    """
    CREATE TRIGGER audit_audithead_no_delete BEFORE DELETE ON audit_audithead
    BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot be deleted'); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_audithead_no_delete",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_delete",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_update",
]

FORWARD = {"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}
REVERSE = {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}


def _run(statements, schema_editor):
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def create_triggers(apps, schema_editor):
    _run(FORWARD, schema_editor)


def drop_triggers(apps, schema_editor):
    _run(REVERSE, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
