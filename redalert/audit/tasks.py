"""Celery task of the audit log: anchor the chain's head (scheduled hourly by beat in redalert.celery)."""

from __future__ import annotations

from redalert.audit.anchors import write_anchor
from redalert.celery import app


@app.task(name="redalert.audit.tasks.anchor_audit_chain", ignore_result=True)
def anchor_audit_chain() -> int:
    """Anchor the head; the id of the anchored entry, or 0 when there was nothing new. A chain that does not
    verify raises (AnchorRefused), so the failure shows in the worker's log and nothing is anchored."""
    anchor = write_anchor()
    return anchor.entry_id if anchor is not None else 0
