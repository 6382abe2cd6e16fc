"""Matching: is this the same person? (issue 15). The stable API other apps call:

- `redalert.matching.facts.PersonFacts`, `facts_for_case(case)`
- `redalert.matching.compare.compare(a, b) -> Comparison(score, reasons)`
- `redalert.matching.candidates.candidates_for(organisation, facts, *, exclude_case_ids=(), limit=10)`

They are also importable from this package (lazily: the package itself loads before the models are ready).
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "PersonFacts": "redalert.matching.facts",
    "facts_for_case": "redalert.matching.facts",
    "compare": "redalert.matching.compare",
    "Comparison": "redalert.matching.compare",
    "Reason": "redalert.matching.compare",
    "candidates_for": "redalert.matching.candidates",
    "Candidate": "redalert.matching.candidates",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(module), name)
