"""Tasks and outcomes through the API: the pages' rules, scopes, other organisation 404."""

from __future__ import annotations

from typing import Any

from redalert.tasks.models import Task
from redalert.testing import start_search

from .conftest import ApiCaller


def test_tasks(full_a: ApiCaller, reader_a: ApiCaller, full_b: ApiCaller, case: Any, coordinator: Any) -> None:
    path = f"/cases/{case.pk}/tasks"
    assert full_a.get(path).json() == []
    body = {"title": "Llamar a la fiscalía", "owner": coordinator.pk, "due_at": "2026-12-01T10:00:00-06:00"}
    made = full_a.post(path, body)
    assert made.status_code == 201, made.content
    task = Task.objects.get()
    assert task.owner == coordinator and task.title == "Llamar a la fiscalía"
    assert [t["id"] for t in reader_a.get(path).json()] == [task.pk]
    assert reader_a.post(path, body).status_code == 403
    assert full_b.get(path).status_code == 404
    assert full_b.post(f"{path}/{task.pk}/done", {}).status_code == 404
    # The owner must be on the case's team, as on the page.
    outsider = full_a.post(path, {**body, "owner": 999999})
    assert outsider.status_code == 422 and "owner" in outsider.json()["errors"]
    done = full_a.post(f"{path}/{task.pk}/done", {})
    assert done.status_code == 200 and done.json()["done_at"]


def test_outcome(full_a: ApiCaller, full_b: ApiCaller, reader_a: ApiCaller, case: Any, coordinator: Any) -> None:
    path = f"/cases/{case.pk}/outcome"
    assert full_a.get(path).json() == {"outcome": None}
    body = {"result": "located_alive", "on": "2026-03-10", "how": "unknown", "details": "En un albergue de Puebla"}
    refused = full_a.post(path, body)
    assert refused.status_code == 409  # not in active search yet
    start_search(case, coordinator)
    assert reader_a.post(path, body).status_code == 403
    assert full_b.post(path, body).status_code == 404
    made = full_a.post(path, body)
    assert made.status_code == 201, made.content
    assert made.json()["outcome"]["result"] == "located_alive"
    assert "albergue" not in made.content.decode()  # the details stay on the case's pages
    case.refresh_from_db()
    assert case.status == "follow_up" and case.located_on.isoformat() == "2026-03-10"
    assert full_a.post(path, body).status_code == 409
    assert full_b.get(path).status_code == 404
