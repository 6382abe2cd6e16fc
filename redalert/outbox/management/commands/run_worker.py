"""Drain the outbox without Redis: loop over deliver_due, the queued change followers, the imports and the duplicate
finder (the embedded default; Celery does the same in production).

`--processes N` forks N worker processes that claim rows side by side (claim-and-send makes that safe); a child
stops when its parent stops or disappears.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection, connections

from redalert import heartbeat
from redalert.changes.announce import catch_up
from redalert.duplicates.finder import run_due as find_due_duplicates
from redalert.imports.jobs import run_next as run_next_import
from redalert.outbox.claiming import deliver_due
from redalert.public.purging import send_due as send_due_purges


class Command(BaseCommand):
    help = "Send due outgoing messages, every few seconds (or once with --once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Send what is due now and stop.")
        parser.add_argument("--interval", type=float, default=0.5, help="Seconds between idle rounds (default 0.5).")
        parser.add_argument("--limit", type=int, default=100, help="Messages per round at most (default 100).")
        parser.add_argument("--processes", type=int, default=1, help="Worker processes (default 1).")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = False

        def request_stop(signum: int, frame: Any) -> None:
            nonlocal stop
            stop = True

        if not options["once"]:
            signal.signal(signal.SIGTERM, request_stop)
            signal.signal(signal.SIGINT, request_stop)

        parent = os.getpid()
        children: list[int] = []
        if options["processes"] > 1:
            connections.close_all()  # a forked child must open its own database connection
            for _n in range(options["processes"] - 1):
                pid = os.fork()
                if pid == 0:
                    try:
                        self._loop(options, lambda: stop or os.getppid() != parent)
                    finally:
                        os._exit(0)
                children.append(pid)
        try:
            self._loop(options, lambda: stop)
        finally:
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
            for pid in children:
                os.waitpid(pid, 0)

    def _loop(self, options: dict[str, Any], stopping: Any) -> None:
        while True:
            if not connection.in_atomic_block:  # drop connections the database closed while we slept
                close_old_connections()
            attempted = deliver_due(options["limit"])
            if attempted and options["verbosity"] > 0:
                self.stdout.write(f"{attempted} message(s) attempted.")
            followed = catch_up(options["limit"])  # the queued followers of case changes (redalert.changes)
            if followed and options["verbosity"] > 0:
                self.stdout.write(f"{followed} change(s) followed.")
            send_due_purges()  # purges of the shared cache in front of the public site not yet confirmed (issue 19)
            imported = run_next_import()  # an import of historical cases (redalert.imports), run to its end
            if imported is not None and options["verbosity"] > 0:
                self.stdout.write(f"Import {imported.pk}: {imported.status}.")
            proposed = find_due_duplicates()  # the review queue of possible duplicates, hourly per organisation
            if proposed and options["verbosity"] > 0:
                self.stdout.write(f"{proposed} possible duplicate(s) proposed.")
            heartbeat.beat(heartbeat.RUN_WORKER)  # read by /readyz (redalert.health)
            if options["once"] or stopping():
                break
            if attempted < options["limit"] and followed < options["limit"]:
                # Sleep in small steps so a stop request is honoured quickly.
                deadline = time.monotonic() + options["interval"]
                while not stopping() and time.monotonic() < deadline:
                    time.sleep(min(0.2, options["interval"]))
            if stopping():
                break
