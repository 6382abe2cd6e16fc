"""What the intake form and the case file offer from apps that stand above redalert.cases (issue 15).

The cases app may not import the matching app (it stands lower in the layers), yet its intake form must ask
"is this the same person as an open case?" before opening a new case, and its case file must show the further
reports added to a case. The matching app registers both here when it starts (MatchingConfig.ready):

- `register_duplicate_check(check)`: `check.candidates(request, values)` returns the possible duplicates of the
  values typed (a list, empty when none); `check.template` renders them inside the intake form (context:
  `duplicates`); `check.live_url` is the address the form's script posts to as she types;
  `check.record_new_case(case, request, reason, candidates)` stores and audits why a new case was opened anyway,
  inside the intake's transaction.
- `register_case_panel(template, context)`: the case file includes `template` with `panel` = `context(user, case)`.

With nothing registered the intake opens cases as before. This module imports no app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


class DuplicateCheck(Protocol):
    template: str

    @property
    def live_url(self) -> str: ...

    def candidates(self, request: Any, values: dict[str, Any]) -> list[Any]: ...

    def record_new_case(self, case: Any, request: Any, reason: str, candidates: list[Any]) -> None: ...


@dataclass(frozen=True)
class CasePanel:
    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]  # (user, case) → context, or None to show nothing


_CHECK: list[DuplicateCheck] = []
_PANELS: dict[str, CasePanel] = {}


def register_duplicate_check(check: DuplicateCheck) -> None:
    _CHECK[:] = [check]


def duplicate_check() -> DuplicateCheck | None:
    return _CHECK[0] if _CHECK else None


def register_case_panel(template: str, context: Callable[[Any, Any], dict[str, Any] | None]) -> None:
    _PANELS[template] = CasePanel(template, context)


def case_panels(user: Any, case: Any) -> list[dict[str, Any]]:
    """The registered panels' contexts for this user and case (each with its `template`), those with something."""
    shown = []
    for panel in _PANELS.values():
        context = panel.context(user, case)
        if context is not None:
            shown.append({**context, "template": panel.template})
    return shown
