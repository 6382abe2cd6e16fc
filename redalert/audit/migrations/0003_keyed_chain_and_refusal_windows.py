"""The keyed audit chain (each entry records the id of the HMAC key that signed it; "" for legacy entries hashed
with plain SHA-256) and the refusal windows (one row per scope, key and window instead of one audit entry per
refusal).

On SQLite, adding a NOT NULL column rebuilds the table, which drops its triggers: the append-only triggers of
migration 0002 are created again here (their SQL copied on purpose, so this migration keeps doing what it did).
PostgreSQL adds the column in place; its triggers stay.
"""

from django.db import migrations, models

SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER IF NOT EXISTS audit_auditentry_no_update BEFORE UPDATE ON audit_auditentry
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS audit_auditentry_no_delete BEFORE DELETE ON audit_auditentry
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END
    """,
]


def recreate_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_triggers"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.RunPython(recreate_sqlite_triggers, migrations.RunPython.noop, elidable=False),
        migrations.CreateModel(
            name="RefusalWindow",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("scope", models.CharField(max_length=40)),
                ("key", models.CharField(max_length=100)),
                ("window_start", models.DateTimeField()),
                ("window_end", models.DateTimeField()),
                ("count", models.PositiveIntegerField(default=0)),
                ("audited", models.BooleanField(default=False)),
                ("case_id", models.BigIntegerField(blank=True, null=True)),
                ("organisation_id", models.BigIntegerField(blank=True, null=True)),
                ("detail", models.JSONField(blank=True, default=dict)),
            ],
            options={
                "indexes": [models.Index(fields=["audited", "window_start"], name="audit_refusal_open_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("scope", "key", "window_start"), name="audit_refusal_one_row_per_window"
                    )
                ],
            },
        ),
    ]
