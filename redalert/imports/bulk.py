"""Inserting many model instances at once, as `bulk_create` does, with less work per value.

The import writes tens of rows per case (issue 14: 100,000 cases in a minute). `QuerySet.bulk_create` compiles
each value through the SQL compiler; here the statement is built once per table and each value is prepared by its
field, exactly as `bulk_create` prepares it: `pre_save(obj, add=True)` (auto_now dates), then the field's own
`get_db_prep_save` (so encrypted fields are encrypted with the reused Fernet key, JSON is adapted, datetimes are
converted). Parents set as objects before they had an id (a proceeding's status changes) take its id now.

- `ids=True`: multi-row `INSERT … RETURNING id`, and the instances get their ids (as bulk_create sets them on
  PostgreSQL and SQLite ≥ 3.35, the databases the project supports);
- `ids=False`: one statement executed for all rows (`executemany`: pipelined by psycopg on PostgreSQL).

No signals are sent (bulk_create sends none either), `save()` is not called (the import derives what a model's
save() would, e.g. MissingPerson.derive()).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, TypeAlias, cast

from django.db import connection, models

from redalert.lib.crypto import EncryptedTextField

POSTGRES_ROWS_PER_STATEMENT = 1000


Field: TypeAlias = "models.Field[Any, Any]"
Relation: TypeAlias = "models.ForeignKey[Any, Any]"


@lru_cache(maxsize=64)
def _fields(model: type[models.Model]) -> tuple[list[Field], list[Relation], frozenset[Field], frozenset[Field]]:
    """The columns an insert writes (all concrete fields but the automatic id), those that are relations, those
    whose prepared value may be reused for an equal value (not encrypted: a token per value, never shared; not
    JSON: not hashable), and the automatic dates (auto_now, auto_now_add)."""
    meta = model._meta
    fields = [f for f in meta.concrete_fields if f is not meta.auto_field]
    reusable = frozenset(f for f in fields if not isinstance(f, EncryptedTextField | models.JSONField))
    automatic = frozenset(f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
    relations = [cast("Relation", f) for f in fields if f.is_relation]
    return fields, relations, reusable, automatic


def _max_params() -> int:
    if connection.vendor == "sqlite":
        raw = connection.connection
        if raw is not None and hasattr(raw, "getlimit"):
            return int(raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
        return 999
    return 65535


class _Preparer:
    """Prepares the values of one insert: each field's own get_db_prep_save, done once per distinct value of a field
    that is neither encrypted nor JSON (dates, times, foreign keys and codes repeat across rows); the automatic dates
    are taken once for the whole insert (they are one moment, as the rows are one transaction)."""

    def __init__(self, model: type[models.Model]) -> None:
        self.fields, self.relations, reusable, automatic = _fields(model)
        self.memo: dict[Field, dict[Any, Any]] = {f: {} for f in reusable}
        self.automatic = automatic
        self.moments: dict[Field, Any] = {}

    def values(self, obj: models.Model) -> list[Any]:
        for relation in self.relations:
            if getattr(obj, relation.attname) is None and relation.is_cached(obj):
                parent = relation.get_cached_value(obj)
                if parent is not None:
                    setattr(obj, relation.attname, parent.pk)
        row = []
        for field in self.fields:
            if field in self.automatic:
                if field not in self.moments:
                    self.moments[field] = field.pre_save(obj, True)
                value = self.moments[field]
                setattr(obj, field.attname, value)
            else:
                value = field.pre_save(obj, True)
            memo = self.memo.get(field)
            if memo is None:
                row.append(field.get_db_prep_save(value, connection))
                continue
            try:
                prepared = memo[value]
            except KeyError:
                prepared = memo[value] = field.get_db_prep_save(value, connection)
            except TypeError:  # not hashable
                prepared = field.get_db_prep_save(value, connection)
            row.append(prepared)
        return row


def insert(model: type[models.Model], objs: Sequence[models.Model], *, ids: bool) -> None:
    """Insert these new instances of `model` (none has an id yet); with `ids`, set their ids."""
    if not objs:
        return
    preparer = _Preparer(model)
    fields = preparer.fields
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column or f.attname) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    rows = [preparer.values(obj) for obj in objs]
    with connection.cursor() as cursor:
        if not ids:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {one}", rows)  # noqa: S608 (names quoted)
        else:
            pk = quote(model._meta.pk.column or "id")
            per_statement = max(1, _max_params() // len(fields))
            if connection.vendor != "sqlite":
                per_statement = min(per_statement, POSTGRES_ROWS_PER_STATEMENT)
            for start in range(0, len(rows), per_statement):
                chunk = rows[start : start + per_statement]
                sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))} RETURNING {pk}"  # noqa: S608
                cursor.execute(sql, [value for row in chunk for value in row])
                returned = cursor.fetchall()
                if len(returned) != len(chunk):
                    raise RuntimeError(f"{model.__name__}: {len(returned)} ids returned for {len(chunk)} rows")
                for obj, (pk_value,) in zip(objs[start : start + per_statement], returned, strict=True):
                    obj.pk = pk_value
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
