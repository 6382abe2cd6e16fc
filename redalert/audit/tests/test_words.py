"""The audit page shows entries in the reader's language: every "what" code the code base writes has words."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

from redalert.audit.words import WHAT, describe, field_label

ROOT = Path(__file__).resolve().parents[2]  # redalert/
WHAT_LITERAL = re.compile(r"""(?:["']what["']\s*:\s*|\bwhat\s*=\s*)["']([^"']+)["']\s*[,)}]""")


def what_codes_in_the_code_base() -> set[str]:
    codes: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        codes.update(WHAT_LITERAL.findall(path.read_text(encoding="utf-8")))
    return codes


def test_every_what_code_written_by_the_code_has_words():
    codes = what_codes_in_the_code_base()
    assert "red alerts" in codes  # the scan finds them
    missing = sorted(codes - set(WHAT))
    assert not missing, f"add these to redalert/audit/words.py WHAT: {missing}"


def test_details_read_in_spanish():
    with translation.override("es"):
        text = describe({"section": "legal", "what": "red alerts", "changes": {"missingperson.given_names": {}}})
        assert "red alerts" not in text and "given_names" not in text
        assert text.startswith("Jurídico · Alertas Rojas · ")
        assert field_label("missingperson.given_names") != "missingperson.given_names"
        assert describe({"what": "a code nobody knows"}) == "a code nobody knows"  # shown, never hidden
