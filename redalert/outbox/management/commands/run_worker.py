"""Drain the outbox without Redis: loop over deliver_due (the embedded default; Celery does the same in production)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection

from redalert.outbox.delivery import deliver_due


class Command(BaseCommand):
    help = "Send due outgoing messages, every few seconds (or once with --once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Send what is due now and stop.")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between rounds (default 2).")
        parser.add_argument("--limit", type=int, default=100, help="Messages per round at most (default 100).")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = False

        def request_stop(signum: int, frame: Any) -> None:
            nonlocal stop
            stop = True

        if not options["once"]:
            signal.signal(signal.SIGTERM, request_stop)
            signal.signal(signal.SIGINT, request_stop)
        while True:
            if not connection.in_atomic_block:  # drop connections the database closed while we slept
                close_old_connections()
            attempted = deliver_due(options["limit"])
            if attempted and options["verbosity"] > 0:
                self.stdout.write(f"{attempted} message(s) attempted.")
            if options["once"] or stop:
                break
            if attempted < options["limit"]:
                # Sleep in small steps so a stop request is honoured quickly.
                deadline = time.monotonic() + options["interval"]
                while not stop and time.monotonic() < deadline:
                    time.sleep(min(0.2, options["interval"]))
            if stop:
                break
