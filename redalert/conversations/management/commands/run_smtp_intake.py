"""Run the inbound SMTP service of the tips addresses until stopped (SIGTERM/SIGINT), like run_worker.

Settings: CONVERSATIONS_SMTP_HOST (default 127.0.0.1), CONVERSATIONS_SMTP_PORT (2525),
CONVERSATIONS_SMTP_MAX_BYTES (25 MB); see docs/channels.md.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from redalert.conversations.smtp import controller


class Command(BaseCommand):
    help = "Receive e-mail sent to the organisations' tips addresses (aiosmtpd) and store it as conversations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=None, help="Address to listen on (CONVERSATIONS_SMTP_HOST).")
        parser.add_argument("--port", type=int, default=None, help="Port to listen on (CONVERSATIONS_SMTP_PORT).")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
        signal.signal(signal.SIGINT, lambda signum, frame: stop.set())
        server = controller(options["host"], options["port"])
        server.start()
        self.stdout.write(f"Receiving tips e-mail on {server.hostname}:{server.port}.")
        try:
            stop.wait()
        finally:
            server.stop()
