"""Staff pages: the queue, a case's tips, triage, photos; permissions and the audit log."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from redalert.audit.models import AuditAction, AuditEntry
from redalert.cases.models import TeamMembership
from redalert.cases.photos import clean_photo
from redalert.tips.models import Tip, TipStatus
from redalert.tips.services import TipData, TriageError, client_hash, receive_tip, triage

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def make_tip(case, **overrides):
    data = TipData(description="Seen near the plaza in a white van.", **overrides)
    return receive_tip(case, data, client=client_hash("10.1.1.1"), language="es")


@pytest.fixture
def tip(public_case):
    return make_tip(public_case, anonymous=False, contact_name="Laura", contact_phone="+524425550101")


@pytest.fixture
def caseworker(org_a, make_user):
    return make_user(org_a, "caseworker")


@pytest.fixture
def on_team(public_case, caseworker, coordinator):
    TeamMembership.objects.create(case=public_case, user=caseworker, added_by=coordinator)
    return caseworker


def test_triage_follows_the_table(tip, coordinator):
    with pytest.raises(TriageError):
        triage(tip, TipStatus.ACTED_ON, coordinator)
    tip.refresh_from_db()
    assert tip.status == TipStatus.NEW
    triage(tip, TipStatus.REVIEWED, coordinator)
    triage(tip, TipStatus.RELEVANT, coordinator)
    triage(tip, TipStatus.ACTED_ON, coordinator)
    tip.refresh_from_db()
    assert tip.status == TipStatus.ACTED_ON
    assert tip.triaged_by == coordinator and tip.triaged_at is not None
    for status in TipStatus.values:
        with pytest.raises(TriageError):
            triage(tip, status, coordinator)
    changes = AuditEntry.objects.filter(action=AuditAction.CHANGE, object_type="tips.tip", object_id=str(tip.pk))
    assert [e.detail["status"]["to"] for e in changes.order_by("id")] == ["reviewed", "relevant", "acted_on"]


def test_triage_is_refused_to_a_caseworker_not_on_the_team(tip, caseworker):
    with pytest.raises(PermissionError):
        triage(tip, TipStatus.REVIEWED, caseworker)


def test_the_team_sees_the_case_tips_and_the_tipster_contact(client_for, tip, on_team, public_case):
    response = client_for(on_team).get(reverse("tips:case", args=[public_case.pk]), **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert tip.code in html and "white van" in html
    assert "+524425550101" in html and "Laura" in html
    entry = AuditEntry.objects.filter(actor=on_team, action=AuditAction.VIEW, case_id=public_case.pk).latest("id")
    assert entry.detail["what"] == "tips"
    assert entry.detail["tipster_contact"] is True
    assert entry.detail["tips"] == [tip.pk]


def test_a_coordinator_off_the_team_triages_but_does_not_see_the_contact(
    client_for, tip, public_case, org_a, make_user
):
    other = make_user(org_a, "coordinator", username="coord-2")
    response = client_for(other).get(reverse("tips:case", args=[public_case.pk]), **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "white van" in html
    assert "+524425550101" not in html and "Laura" not in html
    assert "visible to the case&#x27;s team only" in html or "visible to the case's team only" in html
    post = client_for(other).post(reverse("tips:triage", args=[public_case.pk, tip.pk]), {"to": "relevant"})
    assert post.status_code == 302
    tip.refresh_from_db()
    assert tip.status == TipStatus.RELEVANT


def test_a_caseworker_not_on_the_team_gets_404(client_for, tip, caseworker, public_case):
    client = client_for(caseworker)
    assert client.get(reverse("tips:case", args=[public_case.pk])).status_code == 404
    response = client.post(reverse("tips:triage", args=[public_case.pk, tip.pk]), {"to": "reviewed"})
    assert response.status_code == 404
    assert client.get(reverse("tips:photo", args=[public_case.pk, tip.pk])).status_code == 404
    tip.refresh_from_db()
    assert tip.status == TipStatus.NEW
    assert tip.code not in client.get(reverse("tips:queue"), **EN).content.decode()


def test_another_organisation_gets_404(client_for, tip, public_case, org_b, make_user):
    outsider = make_user(org_b, "coordinator")
    client = client_for(outsider)
    assert client.get(reverse("tips:case", args=[public_case.pk])).status_code == 404
    assert client.post(reverse("tips:triage", args=[public_case.pk, tip.pk]), {"to": "reviewed"}).status_code == 404
    assert tip.code not in client.get(reverse("tips:queue"), **EN).content.decode()


def test_an_illegal_move_through_the_page_is_refused_with_a_message(client_for, tip, coordinator, public_case):
    client = client_for(coordinator)
    response = client.post(reverse("tips:triage", args=[public_case.pk, tip.pk]), {"to": "acted_on"}, follow=True, **EN)
    assert "cannot move" in response.content.decode()
    tip.refresh_from_db()
    assert tip.status == TipStatus.NEW


def test_the_queue_shows_new_first_and_keeps_spam_apart(client_for, public_case, coordinator, on_team):
    old = make_tip(public_case)
    triage(old, TipStatus.REVIEWED, coordinator)
    new = make_tip(public_case)
    spam = receive_tip(
        public_case, TipData(description="Buy cheap pills"), client=client_hash("x"), language="es", spam_reason="x"
    )
    for user in (coordinator, on_team):
        html = client_for(user).get(reverse("tips:queue"), **EN).content.decode()
        assert html.index(new.code) < html.index(old.code)
        assert spam.code not in html
        spam_html = client_for(user).get(reverse("tips:queue"), {"pile": "spam"}, **EN).content.decode()
        assert spam.code in spam_html and new.code not in spam_html
    filtered = client_for(coordinator).get(reverse("tips:queue"), {"status": "reviewed"}, **EN).content.decode()
    assert old.code in filtered and new.code not in filtered
    entry = AuditEntry.objects.filter(actor=coordinator, action=AuditAction.VIEW).latest("id")
    assert entry.detail["what"] == "tips"


def test_marking_spam_moves_a_tip_to_the_spam_pile(client_for, tip, coordinator, public_case):
    client = client_for(coordinator)
    client.post(reverse("tips:triage", args=[public_case.pk, tip.pk]), {"to": "spam"})
    tip.refresh_from_db()
    assert tip.is_spam
    assert Tip.objects.filter(pk=tip.pk).exists()  # kept, not deleted
    client.post(reverse("tips:triage", args=[public_case.pk, tip.pk]), {"to": "not_spam"})
    tip.refresh_from_db()
    assert not tip.is_spam


def test_the_map_gets_markers_and_the_list_works_without_it(client_for, public_case, coordinator, places):
    with_point = make_tip(public_case, latitude="20.600000", longitude="-100.400000")
    with_place = make_tip(public_case, place=places["qro_city"])
    without = make_tip(public_case)
    response = client_for(coordinator).get(reverse("tips:case", args=[public_case.pk]), **EN)
    markers = {m["code"]: m for m in response.context["markers"]}
    assert markers[with_point.code]["approximate"] is False
    assert markers[with_place.code]["approximate"] is True
    assert without.code not in markers
    html = response.content.decode()
    assert 'id="tips-markers"' in html and "vendor/leaflet/leaflet.js" in html
    assert all(t.code in html for t in (with_point, with_place, without))


def test_the_photo_is_served_to_the_team_and_audited(client_for, public_case, coordinator):
    image = Image.new("RGB", (32, 32), "blue")
    buffer = BytesIO()
    image.save(buffer, "PNG")
    upload = SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")
    tip = make_tip(public_case, photo=clean_photo(upload, upload.size))
    response = client_for(coordinator).get(reverse("tips:photo", args=[public_case.pk, tip.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert AuditEntry.objects.filter(
        actor=coordinator, action=AuditAction.VIEW, detail__what=f"tip photo {tip.pk}"
    ).exists()


def test_receiving_a_tip_is_audited_without_the_client_address(tip):
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="tips.tip", object_id=str(tip.pk))
    assert entry.actor is None and entry.actor_label == "public"
    assert entry.client_address == ""
    assert entry.detail == {"code": tip.code, "spam": False}
