"""Helpers for tampering with the audit log the way an attacker with database access would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from django.db import connection

from redalert.audit.triggers import sqlite_triggers_lifted


@contextmanager
def append_only_triggers_suspended() -> Iterator[None]:
    """Switch the append-only triggers off for the block, then on again (a DBA could do this; the chain tells)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Django's foreign keys are deferred; ALTER TABLE refuses to run while their checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE audit_audithead DISABLE TRIGGER USER")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER USER")
                cursor.execute("ALTER TABLE audit_audithead ENABLE TRIGGER USER")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        with sqlite_triggers_lifted(connection):
            yield


def execute(sql: str, params: list[Any] | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@pytest.fixture
def triggers_suspended(db: Any) -> Callable[[], AbstractContextManager[None]]:
    return append_only_triggers_suspended


@pytest.fixture
def raw_sql(db: Any) -> Callable[..., int]:
    return execute
