"""Queueing an e-mail from an app that stands below the outbox (accounts, for its security notices).

The outbox stands above accounts in the layers (it applies consent gates), so accounts cannot import it. Instead
the outbox registers its `enqueue_email` here when it starts (OutboxConfig.ready), and lower apps call
`queue_email`, which writes the message in the caller's transaction exactly like `enqueue_email`. With no sender
registered, `queue_email` raises: a notice that must go out is never dropped silently.

This module imports no app, so that any app, at any layer, may call it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

EmailSender = Callable[..., Any]

_SENDER: list[EmailSender] = []


def register_sender(sender: EmailSender) -> None:
    """Register the function that queues an e-mail: sender(to, subject, body, *, key=...)."""
    _SENDER[:] = [sender]


def queue_email(to: str, subject: str, body: str, *, key: str) -> Any:
    """Queue one e-mail in the current transaction; the same key twice queues one message."""
    if not _SENDER:
        raise RuntimeError("No e-mail sender is registered: is redalert.outbox in INSTALLED_APPS?")
    return _SENDER[0](to, subject, body, key=key)
