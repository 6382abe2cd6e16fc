"""Celery task of the security app: the batched digest (scheduled in redalert/celery.py)."""

from __future__ import annotations

from redalert.celery import app
from redalert.security.digest import send_digests


@app.task(name="redalert.security.tasks.send_security_digest", ignore_result=True)
def send_security_digest() -> int:
    return send_digests()
