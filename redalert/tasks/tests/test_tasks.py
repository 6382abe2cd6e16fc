"""Tasks and deadlines: Protocolo Alba checkpoints, "my tasks", per-case tasks, and the overdue digest."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from redalert.cases.choices import CaseStatus
from redalert.cases.lifecycle import TransitionRequest, transition
from redalert.cases.services import add_team_member
from redalert.investigation.tests.conftest import start_search
from redalert.outbox.models import OutboundMessage
from redalert.tasks.models import Task, TaskKind
from redalert.tasks.services import add_task, create_alba_checkpoints, send_overdue_digests


def test_entering_active_search_creates_the_alba_checkpoints(case, coordinator):
    before = timezone.now()
    start_search(case, coordinator)
    tasks = {t.kind: t for t in Task.objects.filter(case=case)}
    assert set(tasks) == {TaskKind.ALBA_24H, TaskKind.ALBA_72H}
    assert before + timedelta(hours=24) <= tasks[TaskKind.ALBA_24H].due_at <= timezone.now() + timedelta(hours=24)
    assert tasks[TaskKind.ALBA_72H].due_at - tasks[TaskKind.ALBA_24H].due_at == timedelta(hours=48)
    assert tasks[TaskKind.ALBA_24H].owner == coordinator


def test_checkpoints_are_idempotent_also_when_the_search_is_reopened(case, coordinator):
    start_search(case, coordinator)
    assert create_alba_checkpoints(case, coordinator) == []
    transition(case, TransitionRequest(CaseStatus.CLOSED, reason="Duplicado"), coordinator)
    transition(case, TransitionRequest(CaseStatus.ACTIVE_SEARCH, reason="Era otra persona"), coordinator)
    assert Task.objects.filter(case=case).count() == 2


def test_no_checkpoints_before_the_search_starts(case, coordinator):
    transition(case, TransitionRequest(CaseStatus.VERIFICATION), coordinator)
    assert not Task.objects.exists()


def test_my_tasks_lists_overdue_first_and_only_mine(client_for, case, coordinator, make_user, org_a):
    now = timezone.now()
    add_task(case, title="Llamar a la fiscalía", owner=coordinator, due_at=now + timedelta(days=2), actor=coordinator)
    add_task(case, title="Pedir videos del C5", owner=coordinator, due_at=now - timedelta(days=1), actor=coordinator)
    other = make_user(org_a, "caseworker")
    add_task(case, title="Tarea de otra persona", owner=other, due_at=now - timedelta(days=3), actor=coordinator)
    response = client_for(coordinator).get(reverse("tasks:mine"), HTTP_ACCEPT_LANGUAGE="en")
    assert [t.title for t in response.context["overdue"]] == ["Pedir videos del C5"]
    assert [t.title for t in response.context["upcoming"]] == ["Llamar a la fiscalía"]
    page = response.content.decode()
    assert page.index("Pedir videos del C5") < page.index("Llamar a la fiscalía")
    assert "Tarea de otra persona" not in page


def test_case_tasks_add_and_complete(client_for, case, coordinator, org_a, org_b, make_user):
    client = client_for(coordinator)
    url = reverse("tasks:case", args=[case.pk])
    response = client.post(url, {"title": "Visitar la terminal", "owner": coordinator.pk, "due_at": "2026-12-01T10:00"})
    assert response.status_code == 302
    task = Task.objects.get(title="Visitar la terminal")
    assert client.post(reverse("tasks:complete", args=[case.pk, task.pk])).status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == coordinator
    # Another organisation: 404 everywhere; a case worker of the organisation not on the team sees but cannot add.
    outsider = client_for(make_user(org_b, "coordinator"))
    assert outsider.get(url).status_code == 404
    assert outsider.post(reverse("tasks:complete", args=[case.pk, task.pk])).status_code == 404
    investigator = make_user(org_a, "field_investigator")
    assert client_for(investigator).get(url).status_code == 200
    assert (
        client_for(investigator)
        .post(url, {"title": "x", "owner": investigator.pk, "due_at": "2026-12-01T10:00"})
        .status_code
        == 404
    )
    # A lawyer opens only the cases whose team she is on (need to know, docs/architecture.md).
    lawyer = make_user(org_a, "lawyer")
    assert client_for(lawyer).get(url).status_code == 404
    add_team_member(case, lawyer, actor=coordinator)
    assert (
        client_for(lawyer).post(url, {"title": "x", "owner": lawyer.pk, "due_at": "2026-12-01T10:00"}).status_code
        == 302
    )


def test_task_owner_must_be_on_the_team(client_for, case, coordinator, make_user, org_a):
    stranger = make_user(org_a, "caseworker")
    response = client_for(coordinator).post(
        reverse("tasks:case", args=[case.pk]), {"title": "x", "owner": stranger.pk, "due_at": "2026-12-01T10:00"}
    )
    assert response.status_code == 200
    assert not Task.objects.filter(title="x").exists()


@pytest.fixture
def overdue(case, coordinator):
    coordinator.email = "coordinadora@example.org"
    coordinator.save()
    past = timezone.now() - timedelta(days=2)
    add_task(case, title="Pedir videos del C5", owner=coordinator, due_at=past, actor=coordinator)
    add_task(case, title="Ya hecha", owner=coordinator, due_at=past, actor=coordinator).done_at = None
    Task.objects.filter(title="Ya hecha").update(done_at=timezone.now())
    return case


def test_digest_queues_one_email_per_user_and_day_without_personal_data(overdue, coordinator):
    call_command("send_task_digest")
    call_command("send_task_digest")  # run twice the same day: still one email
    message = OutboundMessage.objects.get()
    assert message.to == "coordinadora@example.org"
    assert "Pedir videos del C5" in message.body
    assert overdue.reference in message.body
    assert "Ya hecha" not in message.body
    assert "María" not in message.body and "López" not in message.body
    assert message.idempotency_key.startswith(f"digest:{coordinator.pk}:")
    due = timezone.localtime(Task.objects.get(title="Pedir videos del C5").due_at)
    assert f"{due:%d/%m/%Y}" in message.body, "the due date as a Spanish reader writes it, not ISO"


def test_no_digest_without_overdue_tasks(case, coordinator):
    add_task(case, title="Futuro", owner=coordinator, due_at=timezone.now() + timedelta(days=1), actor=coordinator)
    assert send_overdue_digests() == 0
    assert not OutboundMessage.objects.exists()
