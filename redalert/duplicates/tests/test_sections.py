"""Every foreign key to a case is handled by the merge: a new section of the case file cannot be forgotten."""

from __future__ import annotations

from redalert.duplicates.sections import BY_KEY, SECTIONS, Rule, case_foreign_keys, unhandled


def test_every_foreign_key_to_a_case_has_a_merge_rule() -> None:
    missing = unhandled()
    assert not missing, (
        "These models point at cases.Case but redalert/duplicates/sections.py says nothing of them; add a Section "
        f"with the rule the merge must follow (MOVE, ONE, STAYS, FOLLOWS or REFUSE): {missing}"
    )


def test_the_registry_finds_the_known_sections() -> None:
    found = {f"{model._meta.label}.{name}" for model, name in case_foreign_keys()}
    for key in ("cases.Note.case", "tips.Tip.case", "alerts.Alert.case", "consent.ConsentRecord.case"):
        assert key in found
        assert key in BY_KEY


def test_each_section_is_listed_once_and_refusals_say_why() -> None:
    keys = [section.key for section in SECTIONS]
    assert len(keys) == len(set(keys))
    for section in SECTIONS:
        if section.rule == Rule.REFUSE:
            assert section.refuse_when is not None and str(section.refusal)
