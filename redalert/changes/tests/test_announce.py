"""Announcing a change: followers in the transaction commit or roll back with it; queued followers are durable."""

from __future__ import annotations

import ast
import inspect
import textwrap
import weakref
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.db import transaction
from django.db.models import signals

from redalert.changes import announce as changes
from redalert.changes.announce import Change, Kind, NotInTransaction, announce, catch_up, follow, pending
from redalert.changes.models import PendingFollowUp


@pytest.fixture
def recorded() -> Iterator[dict[str, list]]:
    """Two test followers (one in the transaction, one queued), removed again after the test."""
    seen: dict[str, list] = {"now": [], "queued": []}
    saved = dict(changes._followers)
    changes._followers.clear()  # only these two, so that the numbers below are theirs
    follow("test_now", [Kind.EDITED], lambda c: seen["now"].extend(c), in_transaction=True)
    follow("test_queued", [Kind.EDITED, Kind.CONSENT], lambda ids: seen["queued"].extend(ids), in_transaction=False)
    yield seen
    changes._followers.clear()
    changes._followers.update(saved)


pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_an_announcement_outside_a_transaction_is_refused(recorded):
    with pytest.raises(NotInTransaction):
        announce(1, Kind.EDITED)
    assert recorded["now"] == [] and not PendingFollowUp.objects.exists()


def test_a_follower_in_the_transaction_runs_at_once_and_a_queued_one_waits(recorded):
    with transaction.atomic():
        announce(7, Kind.EDITED, purpose="")
    assert recorded["now"] == [Change(7, Kind.EDITED)]
    assert recorded["queued"] == [] and pending("test_queued") == 1
    assert catch_up(names=["test_queued"]) == 1
    assert recorded["queued"] == [7] and pending("test_queued") == 0


def test_a_rolled_back_change_leaves_nothing_queued(recorded):
    with pytest.raises(RuntimeError), transaction.atomic():
        announce(7, Kind.EDITED)
        raise RuntimeError("the change failed")
    assert pending() == 0


def test_followers_only_see_the_kinds_they_follow(recorded):
    with transaction.atomic():
        announce(7, Kind.CONSENT, purpose="publish")
        announce(8, Kind.OUTCOME)
    assert recorded["now"] == []
    assert pending("test_queued") == 1


def test_several_changes_to_a_case_are_caught_up_once(recorded):
    with transaction.atomic():
        announce(7, Kind.EDITED)
        announce(7, Kind.CONSENT, purpose="statistics")
    catch_up(names=["test_queued"])
    assert recorded["queued"] == [7] and pending() == 0


def test_a_failing_follower_keeps_its_cases_for_the_next_round(recorded, settings):
    settings.CHANGES_RAISE_FOLLOWER_ERRORS = False
    calls: list[list[int]] = []

    def fails_once(ids: list[int]) -> None:
        calls.append(ids)
        if len(calls) == 1:
            raise RuntimeError("the index is unavailable")

    follow("test_queued", [Kind.EDITED], fails_once, in_transaction=False)
    with transaction.atomic():
        announce(7, Kind.EDITED)
    assert catch_up(names=["test_queued"]) == 0
    assert pending("test_queued") == 1
    assert catch_up(names=["test_queued"]) == 1
    assert calls == [[7], [7]] and pending() == 0


def test_a_change_announced_while_a_follower_runs_is_caught_up_again(recorded):
    def changes_again(ids: list[int]) -> None:
        if len(recorded["queued"]) == 0:
            announce(7, Kind.EDITED)  # e.g. another request edits the case meanwhile
        recorded["queued"].extend(ids)

    follow("test_queued", [Kind.EDITED], changes_again, in_transaction=False)
    with transaction.atomic():
        announce(7, Kind.EDITED)
    catch_up(names=["test_queued"])
    assert pending("test_queued") == 1
    catch_up(names=["test_queued"])
    assert recorded["queued"] == [7, 7] and pending() == 0


def test_the_applications_followers_are_registered_at_start_up():
    names = {f.name: f for f in changes.followers()}
    assert {"current_consent", "public_listing", "alba_checkpoints", "map_facts", "match_keys"} <= set(names)
    assert names["current_consent"].in_transaction and names["public_listing"].in_transaction
    assert not names["map_facts"].in_transaction and not names["match_keys"].in_transaction
    in_transaction = [f.name for f in changes.followers() if f.in_transaction]
    assert in_transaction.index("current_consent") < in_transaction.index("public_listing")  # it reads consents


def test_no_signal_receiver_of_the_project_does_domain_work():
    """Read models follow announced changes, never model signals."""
    for signal in (signals.pre_save, signals.post_save, signals.pre_delete, signals.post_delete, signals.m2m_changed):
        for entry in signal.receivers:
            receiver = entry[1]() if isinstance(entry[1], weakref.ReferenceType) else entry[1]
            module = getattr(receiver, "__module__", "") or ""
            assert not module.startswith("redalert."), f"a model signal has a receiver in {module}"


def test_no_model_of_the_project_overrides_save_to_reach_another_app():
    """A save() override may check or derive its own row; what follows in other apps follows announcements."""
    for model in apps.get_models():
        own = model.__module__.split(".")
        if own[0] != "redalert" or "save" not in model.__dict__:
            continue
        names = {
            node.id
            for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(model.save))))
            if isinstance(node, ast.Name)
        }
        module_globals = vars(inspect.getmodule(model))
        for name in names:
            used = module_globals.get(name)
            where = getattr(used, "__module__", "") or ""
            parts = where.split(".")
            if parts[0] == "redalert" and parts[1] not in (own[1], "lib") and not isinstance(used, type):
                pytest.fail(f"{model.__name__}.save() calls {where}.{name}")
