"""The Celery app: Redis broker and CELERY_* settings from Django; beat drains the outbox and catches the queued
change followers up every few seconds.

Start a worker with `celery -A redalert.celery worker --beat -l info` (or `manage.py run_worker` without Redis).
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redalert.settings.dev")

app = Celery("redalert")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(
    [
        "redalert.outbox",
        "redalert.alerts",
        "redalert.imports",
        "redalert.changes",
        "redalert.retention",
        "redalert.audit",  # the audit chain's anchors
        "redalert.security",  # the security digest (issue 13)
        "redalert.duplicates",  # the review queue of possible duplicates (issue 15)
        "redalert.public",  # the shared cache's purges (issue 19)
    ]
)

DELIVER_OUTBOX = "redalert.outbox.tasks.deliver_outbox"
ESCALATE_ALERTS = "redalert.alerts.tasks.escalate_alerts"
RUN_DUE_IMPORTS = "redalert.imports.tasks.run_due_imports"
FOLLOW_CHANGES = "redalert.changes.tasks.follow_changes"
ANCHOR_AUDIT_CHAIN = "redalert.audit.tasks.anchor_audit_chain"
APPLY_RETENTION = "redalert.retention.tasks.apply_retention"  # retention (issue 13)
SEND_SECURITY_DIGEST = "redalert.security.tasks.send_security_digest"  # security events (issue 13)
FIND_DUPLICATES = "redalert.duplicates.tasks.find_duplicates"  # possible duplicates (issue 15)
SEND_PURGES = "redalert.public.tasks.send_purges"  # the shared cache's purges (issue 19)


@app.on_after_configure.connect
def schedule_outbox(sender: Celery, **kwargs: Any) -> None:
    """Every OUTBOX_BEAT_SECONDS (default 5), a deliver_outbox task: messages queued while no task ran go out."""
    from django.conf import settings

    interval = float(getattr(settings, "OUTBOX_BEAT_SECONDS", 5))
    sender.add_periodic_task(interval, sender.signature(DELIVER_OUTBOX), name="deliver-outbox")
    escalation = float(getattr(settings, "ALERT_ESCALATION_CHECK_SECONDS", 300))
    sender.add_periodic_task(escalation, sender.signature(ESCALATE_ALERTS), name="escalate-alerts")
    # Imports queued while the broker was down, and those whose worker died (redalert.imports.jobs).
    sender.add_periodic_task(30.0, sender.signature(RUN_DUE_IMPORTS), name="run-due-imports")
    # The queued followers of case changes (map facts, match keys): redalert.changes.announce.
    following = float(getattr(settings, "CHANGES_BEAT_SECONDS", 2))
    sender.add_periodic_task(following, sender.signature(FOLLOW_CHANGES), name="follow-changes")
    # Purges of the shared cache in front of the public site not sent right after their commit, retries and repeats
    # (redalert.public.purging, issue 19).
    purging = float(getattr(settings, "EDGE_PURGE_BEAT_SECONDS", 1))
    sender.add_periodic_task(purging, sender.signature(SEND_PURGES), name="send-purges")

    # Retention (issue 13): once a day, apply each organisation's retention policy (redalert.retention.jobs).
    retention = float(getattr(settings, "RETENTION_BEAT_SECONDS", 24 * 60 * 60))
    sender.add_periodic_task(retention, sender.signature(APPLY_RETENTION), name="apply-retention")

    # --- Audit log anchors (redalert.audit.anchors, docs/security.md): the chain's head written every
    # AUDIT_ANCHOR_SECONDS (default hourly) to AUDIT_ANCHOR_FILE and e-mailed to AUDIT_ANCHOR_EMAILS. Beat only;
    # without Celery, run `manage.py anchor_audit_chain` from cron.
    anchoring = float(getattr(settings, "AUDIT_ANCHOR_SECONDS", 3600))
    sender.add_periodic_task(anchoring, sender.signature(ANCHOR_AUDIT_CHAIN), name="anchor-audit-chain")

    # --- Security digest (redalert.security.digest, issue 13): lockouts, role grants, second-factor resets and bursts
    # of refused case ids, summarised to each organisation's coordinators and administrators. At most one e-mail per
    # organisation per SECURITY_DIGEST_INTERVAL (15 min), so checking every minute is enough. Without Celery, run
    # `manage.py send_security_digest` from cron.
    sender.add_periodic_task(60.0, sender.signature(SEND_SECURITY_DIGEST), name="send-security-digest")

    # --- Possible duplicates (redalert.duplicates.finder, issue 15): each organisation is scanned at most every
    # DUPLICATES_SCAN_SECONDS (default hourly); checking every minute is enough.
    sender.add_periodic_task(60.0, sender.signature(FIND_DUPLICATES), name="find-duplicates")
