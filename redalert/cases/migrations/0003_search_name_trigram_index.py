"""A pg_trgm GIN index on the folded name of the missing person, for the staff name search (LIKE '%word%').

PostgreSQL only; elsewhere (SQLite) the search scans, which is fine at the sizes an embedded database holds.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS cases_person_search_name_trgm "
    "ON cases_missingperson USING gin (search_name gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS cases_person_search_name_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_derived_age_and_public_timeline")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
