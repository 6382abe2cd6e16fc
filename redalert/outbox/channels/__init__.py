"""The outbox's channels: one package per channel (email/, webhook/), as Healthchecks keeps hc/integrations/<channel>.

A channel package registers its send function for its channel name when it is imported (OutboxConfig.ready imports
them); the claim-and-retry loop (redalert.outbox.claiming) looks the function up by the message's channel and knows
nothing else about transports. A send function raises on failure. Connections a channel keeps open through one round
of deliveries (one SMTP session for many emails) live in the round's Transports, by channel name.
"""

from __future__ import annotations

import logging
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

    def get(self, channel: str, connect: Callable[[], C]) -> C:
        """The channel's open connection; `connect` opens one if there is none yet (or the last one was dropped)."""
        connection: C | None = self._open.get(channel)
        if connection is None:
            connection = connect()
            self._open[channel] = connection
        return connection

    def drop(self, channel: str) -> None:
        """Close the channel's connection (it may be broken) so that the next message opens a new one."""
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

_SENDERS: dict[str, SendFunction] = {}


def register(channel: str, send: SendFunction) -> None:
    """Register the send function of `channel` (idempotent: the newest registration wins)."""
    _SENDERS[channel] = send


def sender_for(channel: str) -> SendFunction:
    """The send function registered for `channel`; ValueError if none is."""
    send = _SENDERS.get(channel)
    if send is None:
        raise ValueError(f"No transport for channel {channel!r}.")
    return send
