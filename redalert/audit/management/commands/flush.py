"""Django's `flush`, made to work with the append-only audit triggers on SQLite.

On PostgreSQL `flush` empties tables with TRUNCATE, which row-level triggers do not see, so nothing changes there.
On SQLite it uses DELETE, which the audit triggers refuse; this command lifts them inside the same transaction
as the DELETEs and creates them again before committing. pytest-django's transactional tests and live_server
flush the database this way between tests.

Flushing erases the whole database, the audit log included: it is an administrator's operation, like TRUNCATE.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

from redalert.audit.triggers import sqlite_triggers_lifted


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            super().handle(**options)
            return
        ops = connection.ops
        execute_sql_flush = ops.execute_sql_flush

        def execute_with_triggers_lifted(sql_list: Iterable[str]) -> None:
            with transaction.atomic(using=connection.alias), sqlite_triggers_lifted(connection):
                execute_sql_flush(sql_list)

        # Only the DELETEs run with the triggers lifted, not the confirmation prompt before them.
        ops.execute_sql_flush = execute_with_triggers_lifted  # type: ignore[method-assign]
        try:
            super().handle(**options)
        finally:
            del ops.execute_sql_flush
