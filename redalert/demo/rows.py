"""Writing demo rows in bulk: `Rows` (one table, written in one go), `write_back` (rows whose new ids the next table
needs) and `tally` (the rows written, by kind, that the seeding reports).

Shared by redalert.demo.generate and redalert.demo.after_report. Like bulk_create, nothing here calls save() or
sends signals, and nothing is audited per row: the caller keeps the invariants save() would, and audits the seeding
as a whole.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import connections, models, router
from django.db.models import Max

from redalert.lib.crypto import EncryptedTextField

BATCH_SIZE = 2000


class Rows:
    """Rows of one table, written in one go: COPY on PostgreSQL, one prepared INSERT with executemany elsewhere.

    bulk_create spends ~100 µs per row compiling SQL value by value; on 100,000 cases (about 2.4 million rows) that
    was most of the run. Here each column gets its database adapter once (encryption for EncryptedTextField, JSON,
    dates) and the rows are plain dicts keyed by attname. Columns left out get the field's default; unknown names
    are refused, as a model constructor would. Like bulk_create, this skips save() and signals, so callers must set
    what save() would (auto_now fields, MissingPerson.search_name).
    """

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.names = frozenset(f.attname for f in self.fields)
        self.rows: list[dict[str, Any]] = []

    def add(self, **values: Any) -> dict[str, Any]:
        unknown = values.keys() - self.names
        if unknown:
            raise TypeError(f"{self.model.__name__} has no field(s) {', '.join(sorted(unknown))}")
        self.rows.append(values)
        return values

    def write(self, batch_size: int) -> int:
        rows, self.rows = self.rows, []
        if not rows:
            return 0
        connection = connections[router.db_for_write(self.model)]
        ops = connection.ops
        columns = []
        for f in self.fields:
            adapt: Callable[[Any], Any] | None
            if isinstance(f, EncryptedTextField | models.JSONField):
                adapt = partial(f.get_db_prep_save, connection=connection)
            elif isinstance(f, models.DateTimeField):
                adapt = ops.adapt_datetimefield_value
            elif isinstance(f, models.DateField):
                adapt = ops.adapt_datefield_value
            elif isinstance(f, models.TimeField):
                adapt = ops.adapt_timefield_value
            else:
                adapt = None
            columns.append((f.attname, f.get_default(), adapt))
        # Only identifiers from the model's metadata go into the SQL; every value is a parameter.
        table = ops.quote_name(self.model._meta.db_table)
        target = f"{table} ({', '.join(ops.quote_name(str(f.column)) for f in self.fields)})"
        params = []
        for row in rows:
            values = []
            for name, default, adapt in columns:
                value = row.get(name, default)
                values.append(value if adapt is None or value is None else adapt(value))
            params.append(values)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY is several times faster than INSERTs on PostgreSQL (psycopg 3 adapts the same values).
                with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
                    for values in params:
                        copy.write_row(values)
            else:
                sql = f"INSERT INTO {target} VALUES ({', '.join(['%s'] * len(self.fields))})"  # noqa: S608
                for start in range(0, len(params), batch_size):
                    cursor.executemany(sql, params[start : start + batch_size])
        return len(rows)


def write_back(rows: Rows, batch_size: int, key: Callable[[dict[str, Any]], Any], *fields: str) -> dict[Any, int]:
    """Write rows and return their new ids by natural key (`fields` read back, `key` applied to each row)."""
    model = rows.model
    before = model._default_manager.aggregate(m=Max("pk"))["m"] or 0
    rows.write(batch_size)
    ids: dict[Any, int] = {}
    for pk, *values in model._default_manager.filter(pk__gt=before).order_by().values_list("pk", *fields):
        ids[key(dict(zip(fields, values, strict=True)))] = pk
    return ids


def tally(counts: dict[str, int], name: str, n: int) -> None:
    """Add n rows of one kind to the counts a seeding returns."""
    counts[name] = counts.get(name, 0) + n
