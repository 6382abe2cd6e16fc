"""Tips through the API: the ones the client may triage, triage, the spam pile; never the tipster's contact."""

from __future__ import annotations

from typing import Any

from redalert.api.scopes import Scope
from redalert.tips.models import Tip

from .conftest import ApiCaller


def _tip(case: Any, **extra: Any) -> Tip:
    return Tip.objects.create(
        case=case,
        description="La vi en la central de autobuses",
        anonymous=False,
        contact_name="Juana Pérez",
        contact_phone="+524421112233",
        client_hash="x" * 64,
        **extra,
    )


def test_tips_triage_and_spam(
    full_a: ApiCaller, full_b: ApiCaller, admin_a: Any, make_api_client: Any, case: Any
) -> None:
    tip = _tip(case)
    listed = full_a.get("/tips")
    assert [t["id"] for t in listed.json()["items"]] == [tip.pk]
    assert "Juana" not in listed.content.decode() and "112233" not in listed.content.decode()
    assert full_a.get(f"/tips/{tip.pk}").json()["allowed_moves"]
    assert full_b.get("/tips").json()["items"] == []
    assert full_b.get(f"/tips/{tip.pk}").status_code == 404
    assert full_b.post(f"/tips/{tip.pk}/triage", {"to": "reviewed"}).status_code == 404
    moved = full_a.post(f"/tips/{tip.pk}/triage", {"to": "reviewed"})
    assert moved.status_code == 200 and moved.json()["status"] == "reviewed"
    assert full_a.post(f"/tips/{tip.pk}/triage", {"to": "new"}).status_code == 409
    assert full_a.get("/tips", {"status": "reviewed"}).json()["items"][0]["id"] == tip.pk
    spam = full_a.post(f"/tips/{tip.pk}/spam", {"spam": True, "reason": "publicidad"})
    assert spam.status_code == 200 and spam.json()["is_spam"] is True
    assert full_a.get("/tips").json()["items"] == []
    assert [t["id"] for t in full_a.get("/tips", {"spam": "true"}).json()["items"]] == [tip.pk]
    assert full_b.post(f"/tips/{tip.pk}/spam", {"spam": False}).status_code == 404
    reader = ApiCaller(make_api_client(admin_a, [Scope.READ_CASES], name="r").token)
    assert reader.get("/tips").status_code == 403
    assert reader.post(f"/tips/{tip.pk}/triage", {"to": "relevant"}).status_code == 403
