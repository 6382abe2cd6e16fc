"""Querysets compiled to SQL once per process and then run with other values.

The ORM spends most of a millisecond turning public_cases() and its joins into SQL, and the public pages run the
same few queries (is this case public now? which of these cases are?) on every request. `run()` builds the
queryset once per shape with placeholder values, remembers its SQL and where the placeholders sit among the
parameters, and then only substitutes the parameters (never the SQL text). The rule itself stays in
redalert.public.exposure: the SQL is whatever the ORM makes of it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.db.models import QuerySet

_compiled: dict[tuple[str, str, int], tuple[str, tuple[Any, ...], dict[int, int]] | None] = {}


def _placeholders(values: Sequence[Any]) -> list[Any]:
    """Values that cannot occur in real queries: negative ids, strings with a NUL."""
    return [-(10**15) - i if isinstance(v, int) else f"\x00placeholder-{i}\x00" for i, v in enumerate(values)]


def run(name: str, build: Callable[..., QuerySet[Any, Any]], values: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of build(*values), a values_list() queryset; `name` and len(values) identify its shape."""
    shape = (connection.vendor, name, len(values))
    if shape not in _compiled:
        placeholders = _placeholders(values)
        sql, params = build(*placeholders).query.sql_with_params()
        positions = {p: placeholders.index(v) for p, v in enumerate(params) if v in placeholders}
        found_once = sorted(positions.values()) == list(range(len(values)))
        _compiled[shape] = (sql, tuple(params), positions) if found_once else None
    compiled = _compiled[shape]
    if compiled is None:  # a shape whose placeholders did not come out one by one: let the ORM do it each time
        return [tuple(row) for row in build(*values)]
    sql, params, positions = compiled
    filled = list(params)
    for position, index in positions.items():
        filled[position] = values[index]
    with connection.cursor() as cursor:
        cursor.execute(sql, filled)
        return [tuple(row) for row in cursor.fetchall()]
