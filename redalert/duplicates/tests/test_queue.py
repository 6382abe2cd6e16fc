"""The review queue: the job proposes pairs (never again once decided), coordinators decide, merge and undo;
a merged reference redirects; the staff list, the statistics and the public site count her once."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from redalert.audit.models import AuditEntry
from redalert.cases.models import Case
from redalert.duplicates.finder import find_pairs, run_due
from redalert.duplicates.merging import merge
from redalert.duplicates.models import DuplicatePair, MergeRecord, PairStatus
from redalert.statistics.scope import organisation_scope
from redalert.testing import make_public


@pytest.fixture
def pair(twins: Any) -> DuplicatePair:
    first, second = twins
    assert find_pairs(first.organisation_id) >= 1
    return DuplicatePair.objects.get(case_a=first, case_b=second)


def test_the_job_proposes_the_same_girl_with_reasons(pair: DuplicatePair) -> None:
    assert pair.status == PairStatus.PROPOSED and pair.score >= 0.8
    assert pair.reasons


def test_a_pair_decided_different_is_never_proposed_again(pair: DuplicatePair, twins: Any) -> None:
    pair.status = PairStatus.DIFFERENT
    pair.save()
    find_pairs(pair.organisation_id)
    out = StringIO()
    call_command("find_duplicates", "--full", stdout=out)
    assert "pair(s)" in out.getvalue()
    assert DuplicatePair.objects.get(pk=pair.pk).status == PairStatus.DIFFERENT
    assert DuplicatePair.objects.count() == 1


def test_merged_cases_are_not_proposed(pair: DuplicatePair, twins: Any, coordinator: Any) -> None:
    first, second = twins
    merge(first, second, actor=coordinator, pair=pair)
    DuplicatePair.objects.all().delete()
    find_pairs(first.organisation_id)
    assert not DuplicatePair.objects.exists()


def test_the_worker_scans_each_organisation_once_per_interval(twins: Any) -> None:
    assert run_due() >= 1
    assert run_due() == 0  # not due again within DUPLICATES_SCAN_SECONDS


def test_coordinator_merges_from_the_queue_and_undoes(
    pair: DuplicatePair, twins: Any, coordinator: Any, client_for: Any
) -> None:
    first, second = twins
    client = client_for(coordinator)
    page = client.get(reverse("duplicates:queue"))
    assert page.status_code == 200 and first.reference.encode() in page.content
    answer = client.post(reverse("duplicates:decide", args=[pair.pk]), {"decision": "same", "remaining": first.pk})
    record = MergeRecord.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("duplicates:merge", args=[record.pk])
    assert Case.objects.get(pk=second.pk).merged_into_id == first.pk
    # The merged reference's staff pages lead to the remaining case.
    followed = client.get(reverse("cases:detail", args=[second.pk]))
    assert followed.status_code == 302 and followed["Location"] == reverse("cases:detail", args=[first.pk])
    tips = client.get(reverse("tips:case", args=[second.pk]))
    assert tips["Location"] == reverse("tips:case", args=[first.pk])
    assert client.get(reverse("duplicates:merge", args=[record.pk])).status_code == 200
    client.post(reverse("duplicates:undo", args=[record.pk]))
    assert Case.objects.get(pk=second.pk).merged_into_id is None
    assert DuplicatePair.objects.get(pk=pair.pk).status == PairStatus.PROPOSED
    assert client.get(reverse("cases:detail", args=[second.pk])).status_code == 200
    details = list(AuditEntry.objects.filter(object_type="duplicates.mergerecord").values_list("detail", flat=True))
    assert {d["what"] for d in details} == {"merge", "merge undone"}
    changes = AuditEntry.objects.filter(object_type="duplicates.mergerecord", action="change", detail__what="merge")
    same = list(changes.values_list("detail", flat=True))
    assert all(d["decision"] == "same person" and d["pair"] == pair.pk for d in same) and len(same) == 2


def test_different_people_is_recorded_and_audited(pair: DuplicatePair, coordinator: Any, client_for: Any) -> None:
    client_for(coordinator).post(reverse("duplicates:decide", args=[pair.pk]), {"decision": "different"})
    pair.refresh_from_db()
    assert pair.status == PairStatus.DIFFERENT and pair.decided_by == coordinator
    assert AuditEntry.objects.filter(object_type="duplicates.duplicatepair", detail__decision="different people")


def test_a_bad_decision_gets_a_clear_message(pair: DuplicatePair, coordinator: Any, client_for: Any) -> None:
    answer = client_for(coordinator).post(
        reverse("duplicates:decide", args=[pair.pk]), {"decision": "same", "remaining": "x"}, follow=True
    )
    assert answer.status_code == 200
    assert "Elija qué caso queda".encode() in answer.content  # in Spanish, the default
    assert not MergeRecord.objects.exists()


def test_caseworkers_and_other_organisations_get_404(
    pair: DuplicatePair, org_a: Any, org_b: Any, make_user: Any, client_for: Any
) -> None:
    caseworker = client_for(make_user(org_a, "caseworker"))
    assert caseworker.get(reverse("duplicates:queue")).status_code == 404
    assert caseworker.get(reverse("duplicates:pair", args=[pair.pk])).status_code == 404
    outsider = client_for(make_user(org_b, "coordinator"))
    assert outsider.get(reverse("duplicates:queue")).status_code == 200  # her own, empty queue
    assert outsider.get(reverse("duplicates:pair", args=[pair.pk])).status_code == 404
    answer = outsider.post(reverse("duplicates:decide", args=[pair.pk]), {"decision": "different"})
    assert answer.status_code == 404
    assert DuplicatePair.objects.get(pk=pair.pk).status == PairStatus.PROPOSED


def test_another_organisation_is_not_redirected_to_the_remaining_case(
    twins: Any, coordinator: Any, org_b: Any, make_user: Any, client_for: Any
) -> None:
    first, second = twins
    merge(first, second, actor=coordinator)
    outsider = client_for(make_user(org_b, "coordinator"))
    assert outsider.get(reverse("cases:detail", args=[second.pk])).status_code == 404


def test_statistics_and_staff_list_count_her_once(twins: Any, coordinator: Any, client_for: Any) -> None:
    first, second = twins
    scope = organisation_scope(first.organisation)
    assert scope.cases().count() == 2
    merge(first, second, actor=coordinator)
    assert list(scope.cases()) == [first]
    listing = client_for(coordinator).get(reverse("cases:list"), {"q": "Fernanda"})
    assert first.reference.encode() in listing.content and second.reference.encode() not in listing.content


def test_public_page_redirects_only_if_the_remaining_case_is_public(twins: Any, coordinator: Any, client: Any) -> None:
    from redalert.public.exposure import public_cases

    first, second = twins
    published = make_public(second, coordinator)
    old_url = reverse("public:case", args=[published.public_id])
    assert client.get(old_url).status_code == 200
    merge(first, second, actor=coordinator)
    assert client.get(old_url).status_code == 404  # the remaining case is not public: nothing leaks
    assert not public_cases().exists()
    make_public(Case.objects.get(pk=first.pk), coordinator)
    moved = client.get(old_url)
    new_id = Case.objects.get(pk=first.pk).publication.public_id
    assert moved.status_code == 302 and moved["Location"] == reverse("public:case", args=[new_id])
    assert list(public_cases()) == [Case.objects.get(pk=first.pk)]


def test_exports_count_her_once(twins: Any, coordinator: Any) -> None:
    from redalert.opendata.exports import coalition_cases
    from redalert.opendata.permissions import exportable_cases

    first, second = twins
    first.organisation.coalition_member = True
    first.organisation.save()
    merge(first, second, actor=coordinator)
    assert list(coalition_cases()) == [first]
    assert list(exportable_cases(coordinator)) in ([first], [])  # [] for a role that may not export


def test_read_models_follow_the_merge(twins: Any, coordinator: Any) -> None:
    from redalert.maps.models import CaseMapFact
    from redalert.public.models import PublicListing
    from redalert.testing import follow_changes

    first, second = twins
    make_public(second, coordinator)
    follow_changes()
    assert PublicListing.objects.filter(case=second).exists()
    assert CaseMapFact.objects.filter(case=second).exists()
    record = merge(first, second, actor=coordinator)
    follow_changes()
    assert not PublicListing.objects.filter(case=second).exists()  # in the merge's transaction
    assert set(CaseMapFact.objects.values_list("case_id", flat=True)) == {first.pk}
    from redalert.duplicates.merging import undo

    undo(record, actor=coordinator)
    follow_changes()
    assert PublicListing.objects.filter(case=second).exists()  # published and consenting again, as before
    assert set(CaseMapFact.objects.values_list("case_id", flat=True)) == {first.pk, second.pk}


def test_different_people_from_the_queue_with_htmx_replaces_the_card(
    pair: DuplicatePair, coordinator: Any, client_for: Any
) -> None:
    answer = client_for(coordinator).post(
        reverse("duplicates:decide", args=[pair.pk]), {"decision": "different"}, headers={"HX-Request": "true"}
    )
    assert answer.status_code == 200 and f'id="pair-{pair.pk}"'.encode() in answer.content
    assert DuplicatePair.objects.get(pk=pair.pk).status == PairStatus.DIFFERENT
