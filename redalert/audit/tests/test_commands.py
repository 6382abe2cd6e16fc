"""`manage.py verify_audit_chain`: its output and exit status, for people and for cron."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.db import connections

from redalert.audit.log import record
from redalert.audit.models import AuditAction, AuditEntry, AuditHead


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("verify_audit_chain", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(n: int) -> list[AuditEntry]:
    return [record("system:test", AuditAction.VIEW, detail={"n": i}) for i in range(n)]


def test_an_empty_log_is_intact(db):
    out, err = run()
    assert out == "Audit chain intact: 0 entries.\n"
    assert err == ""


def test_an_intact_chain_exits_0_with_the_number_of_entries(db):
    write(7)
    out, _ = run("--chunk-size", "3")
    assert out == "Audit chain intact: 7 entries.\n"


def test_verbose_output_gives_the_newest_hash_to_keep_elsewhere(db):
    write(2)
    out, _ = run("-v", "2")
    assert out.splitlines() == [
        "Audit chain intact: 2 entries.",
        f"Newest entry hash: {AuditHead.objects.get().last_hash}",
    ]


def test_a_tampered_chain_lists_each_problem_and_fails(triggers_suspended, raw_sql):
    entries = write(5)
    with triggers_suspended():
        raw_sql("UPDATE audit_auditentry SET actor_label = %s WHERE id = %s", ["forged", entries[1].id])
        raw_sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[3].id])
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=r"BROKEN: 2 problem\(s\) in 4 entries") as raised:
        call_command("verify_audit_chain", stdout=out, stderr=err)
    assert raised.value.returncode == 1
    assert out.getvalue().splitlines() == [
        f"entry {entries[1].id}: content does not match its hash",
        f"entry {entries[4].id}: link to the previous entry is broken",
    ]
    assert "intact" not in out.getvalue()


def test_missing_newest_entries_are_reported_against_the_head(triggers_suspended, raw_sql):
    entries = write(3)
    with triggers_suspended():
        raw_sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].id])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit_chain", stdout=out, stderr=StringIO())
    assert out.getvalue() == "chain head: the newest entries are missing (chain head does not match)\n"


def test_from_the_command_line_the_exit_status_is_1_when_broken(triggers_suspended, raw_sql, capsys, monkeypatch):
    # run_from_argv closes every connection when done, which would end the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    entries = write(2)
    command = load_command_class("redalert.audit", "verify_audit_chain")
    command.run_from_argv(["manage.py", "verify_audit_chain", "--skip-checks"])  # intact: returns normally
    assert "Audit chain intact: 2 entries." in capsys.readouterr().out
    with triggers_suspended():
        raw_sql("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["delete", entries[0].id])
    with pytest.raises(SystemExit) as exited:
        load_command_class("redalert.audit", "verify_audit_chain").run_from_argv(
            ["manage.py", "verify_audit_chain", "--skip-checks"]
        )
    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert f"entry {entries[0].id}: content does not match its hash" in captured.out
    assert "Audit chain BROKEN" in captured.err


def test_missing_triggers_are_warned_about(triggers_suspended):
    write(1)
    with triggers_suspended():
        out, err = run()
    assert out == "Audit chain intact: 1 entries.\n"
    assert "WARNING: the append-only triggers are missing or disabled" in err


def test_the_flush_command_is_the_audit_apps(db):
    from django.core.management import get_commands

    assert get_commands()["flush"] == "redalert.audit"
