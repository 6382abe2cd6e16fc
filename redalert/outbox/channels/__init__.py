"""The outbox's channels: one package per channel (email/, webhook/), as Healthchecks keeps hc/integrations/<channel>.

A channel package registers its send function for its channel name when it is imported (OutboxConfig.ready imports
them); the claim-and-retry loop (redalert.outbox.claiming) looks the function up by the message's channel and knows
nothing else about transports. A send function raises on failure. Connections a channel keeps open through one round
of deliveries (one SMTP session for many emails) live in the round's Transports, by channel name.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from redalert.outbox.models import OutboundMessage

log = logging.getLogger(__name__)


class Connection(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=Connection)


class Transports:
    """Connections kept open through one round of deliveries, one per channel that wants one."""

    def __init__(self) -> None:
        self._open: dict[str, Any] = {}
        self._lock = threading.Lock()  # prepared sends (see `register`) ask for their channel's connection in threads

    def get(self, channel: str, connect: Callable[[], C]) -> C:
        """The channel's open connection; `connect` opens one if there is none yet (or the last one was dropped)."""
        with self._lock:
            connection: C | None = self._open.get(channel)
            if connection is None:
                connection = connect()
                self._open[channel] = connection
            return connection

    def drop(self, channel: str) -> None:
        """Close the channel's connection (it may be broken) so that the next message opens a new one."""
        with self._lock:
            connection = self._open.pop(channel, None)
        if connection is not None:
            try:
                connection.close()
            except Exception:  # closing a broken connection
                log.debug("Closing the %s connection failed", channel, exc_info=True)

    def close(self) -> None:
        for channel in list(self._open):
            self.drop(channel)


SendFunction = Callable[[OutboundMessage, Transports], None]
# A prepared send: everything that needs the database done beforehand (body, signature), only the network left, so
# that the claim-and-retry loop can run several side by side in threads (redalert.outbox.claiming.deliver_many).
PreparedSend = Callable[[Transports], None]
PrepareFunction = Callable[[OutboundMessage], PreparedSend]

_SENDERS: dict[str, SendFunction] = {}
_PREPARERS: dict[str, PrepareFunction] = {}


def register(channel: str, send: SendFunction, prepare: PrepareFunction | None = None) -> None:
    """Register the send function of `channel` (idempotent: the newest registration wins).

    With `prepare`, the channel's messages of one round are sent concurrently: `prepare(message)` runs in the
    worker's thread (it may read the database) and returns a function that only talks to the network, run in a small
    thread pool; its Transports' connections must then be safe to share between threads."""
    _SENDERS[channel] = send
    if prepare is None:
        _PREPARERS.pop(channel, None)
    else:
        _PREPARERS[channel] = prepare


def preparer_for(channel: str) -> PrepareFunction | None:
    """The prepare function registered for `channel`, or None if its messages are sent one by one."""
    return _PREPARERS.get(channel)


def sender_for(channel: str) -> SendFunction:
    """The send function registered for `channel`; ValueError if none is."""
    send = _SENDERS.get(channel)
    if send is None:
        raise ValueError(f"No transport for channel {channel!r}.")
    return send
