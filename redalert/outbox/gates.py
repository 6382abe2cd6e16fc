"""Checks a queued message must still pass at the moment it is sent (e.g. a consent that can be withdrawn).

A message carries `gate = "<name>:<argument>"`. The app that owns the rule registers a function for the name (in its
AppConfig.ready); the function returns "" to allow, or the reason for refusing. A refused message is withheld for
good. A gate whose name nobody registered fails closed: the message waits (it is retried) and is never sent blindly.
"""

from __future__ import annotations

from collections.abc import Callable

GateCheck = Callable[[str], str]

_GATES: dict[str, GateCheck] = {}


class GateUnavailable(RuntimeError):
    """No check is registered for a message's gate (its app is not installed in this process)."""


def register(name: str, check: GateCheck) -> None:
    """Register the check for gates named `name` (idempotent: the newest registration wins)."""
    if ":" in name:
        raise ValueError("A gate name cannot contain ':'.")
    _GATES[name] = check


def gate_for(name: str, argument: str | int) -> str:
    return f"{name}:{argument}"


def refusal(gate: str) -> str:
    """The reason `gate` refuses its message now, or "" if it may be sent. Raises GateUnavailable if unknown."""
    if not gate:
        return ""
    name, _sep, argument = gate.partition(":")
    check = _GATES.get(name)
    if check is None:
        raise GateUnavailable(f"No check is registered for the gate {name!r}; the message waits.")
    return check(argument)
