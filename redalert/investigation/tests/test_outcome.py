"""Recording the outcome moves the case through the state machine to located and then to follow-up."""

from datetime import date

from django.urls import reverse

from redalert.cases.choices import CaseStatus
from redalert.cases.models import TimelineEvent
from redalert.investigation.models import Outcome
from redalert.investigation.tests.conftest import start_search
from redalert.tasks.models import Task, TaskKind


def post_outcome(client, case, **fields):
    data = {"result": "located_alive", "on": "2026-03-05", "how": "rescue_operation", **fields}
    return client.post(reverse("investigation:outcome", args=[case.pk]), data, HTTP_ACCEPT_LANGUAGE="en")


def test_located_alive_goes_to_follow_up_through_the_state_machine(client_for, case, coordinator, places):
    start_search(case, coordinator)
    response = post_outcome(client_for(coordinator), case, place_1=places["tlax_city"].pk, details="Operativo")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.FOLLOW_UP
    assert case.located_on == date(2026, 3, 5)
    steps = [e.summary_data["to"] for e in TimelineEvent.objects.filter(case=case, kind="status").order_by("id")]
    assert steps[-2:] == [CaseStatus.LOCATED_ALIVE, CaseStatus.FOLLOW_UP]
    outcome = Outcome.objects.get(case=case)
    assert outcome.how == "rescue_operation" and outcome.place == places["tlax_city"]
    assert not outcome.family_support_open


def test_deceased_keeps_support_for_the_family_open(client_for, case, coordinator):
    start_search(case, coordinator)
    post_outcome(client_for(coordinator), case, result="located_deceased", how="authorities")
    case.refresh_from_db()
    assert case.status == CaseStatus.FOLLOW_UP
    assert Outcome.objects.get(case=case).family_support_open
    kinds = set(Task.objects.filter(case=case, done_at__isnull=True).values_list("kind", flat=True))
    assert {TaskKind.FAMILY_LEGAL, TaskKind.FAMILY_PSYCH} <= kinds


def test_outcome_before_the_search_or_before_last_seen_is_refused(client_for, case, coordinator):
    client = client_for(coordinator)
    assert post_outcome(client, case).status_code == 404  # reported, not yet searching
    start_search(case, coordinator)
    response = post_outcome(client, case, on="2026-02-01")  # before she was last seen (2026-03-01)
    assert "before the date she was last seen" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE_SEARCH
    assert not Outcome.objects.exists()
