"""Queue the due security digests (one e-mail per organisation per SECURITY_DIGEST_INTERVAL at most)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from redalert.security.digest import send_digests


class Command(BaseCommand):
    help = "Queue each organisation's security digest (lockouts, role grants, second-factor resets, bursts)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_digests()
        self.stdout.write(f"Security digests queued for {sent} organisation(s).")
