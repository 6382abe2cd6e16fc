"""Write the audit chain's head to the anchor file (and e-mail it to AUDIT_ANCHOR_EMAILS). Celery beat runs it
every AUDIT_ANCHOR_SECONDS (redalert.celery); run it by hand or from cron in the embedded mode."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from redalert.audit.anchors import AnchorRefused, anchor_file, write_anchor


class Command(BaseCommand):
    help = (
        "Append the newest audit entry's id and MAC to AUDIT_ANCHOR_FILE and queue it by e-mail to "
        "AUDIT_ANCHOR_EMAILS. Verifies the entries written since the last anchor first; exits with status 1 "
        "(and anchors nothing) if they do not verify."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            anchor = write_anchor()
        except AnchorRefused as refused:
            for problem in refused.problems:
                where = f"entry {problem.entry_id}" if problem.entry_id else "chain"
                self.stdout.write(f"{where}: {problem.reason}")
            raise CommandError(
                f"Not anchored: the audit chain does not verify ({len(refused.problems)} problem(s)).", returncode=1
            ) from None
        if anchor is None:
            self.stdout.write("Nothing new to anchor.")
            return
        self.stdout.write(f"Anchored entry {anchor.entry_id} in {anchor_file()}.")
