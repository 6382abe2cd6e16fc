"""A Red Alert to many authorities in a database a worker subprocess drains (the kill test and the benchmark).

Run inside a configured Django process (DJANGO_SETTINGS_MODULE=redalert.alerts.tests.worker_settings):
`python -m redalert.alerts.tests.scenario setup <emails> <webhooks> <webhook_url>` prints the alert's id and
the time to issue it; `python -m redalert.alerts.tests.scenario report` prints the deliveries as JSON.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date, datetime
from typing import Any

SECRET = "kill-test-shared-secret-0123456789"


def setup(emails: int, webhooks: int, webhook_url: str) -> dict[str, Any]:
    from django.utils import timezone

    from redalert.accounts.models import Organisation, User
    from redalert.alerts.issuing import issue_alert
    from redalert.alerts.models import Authority, AuthorityContact
    from redalert.cases.models import Case
    from redalert.cases.services import IntakeData, open_report
    from redalert.consent.models import ConsentRecord
    from redalert.consent.services import record_decision
    from redalert.lib.text import fold
    from redalert.places.models import Place, PlaceKind

    org = Organisation.objects.create(name="Red de Búsqueda", code="RBB", country="MX")
    user = User.objects.create_user(username="coord", password="x" * 20, organisation=org)
    user.set_roles({"coordinator"})
    mx = Place.objects.create(kind=PlaceKind.COUNTRY, code="MX", name="México", search_name="mexico", country_code="MX")
    qro = Place.objects.create(
        kind=PlaceKind.SUBDIVISION,
        code="MX-QUE",
        name="Querétaro",
        search_name=fold("Querétaro"),
        country_code="MX",
        parent=mx,
    )
    data = IntakeData(
        reported_at=timezone.make_aware(datetime(2026, 3, 2, 10, 30)),
        report_channel="family",
        reporter_name="Rosa",
        reporter_relationship="mother",
        reporter_phone="+524421234567",
        given_names="María Fernanda",
        first_surname="López",
        second_surname="Hernández",
        sex="female",
        gender="Feminine",
        birth_date=date(2008, 5, 14),
        last_seen_on=date(2026, 3, 1),
        last_seen_place=qro,
        last_seen_place_detail="Calle Hidalgo 12",
        circumstances="Salió a la escuela.",
    )
    case = open_report(data, organisation=org, actor=user)
    Case.objects.filter(pk=case.pk).update(status="active_search")
    case.refresh_from_db()
    record_decision(
        case,
        ConsentRecord(
            purpose="share_authorities",
            decision="granted",
            given_by_name="Rosa",
            given_by_relationship="mother",
            method="verbal_witnessed",
            witness_name="Ana",
            decided_on=date(2026, 3, 2),
        ),
        actor=user,
    )
    authorities = []
    for n in range(emails + webhooks):
        authority = Authority.objects.create(
            organisation=org, name=f"Autoridad {n:04d}", level="federal", kind="prosecutor", country_code="MX"
        )
        if n < emails:
            AuthorityContact.objects.create(authority=authority, channel="email", address=f"a{n:04d}@fiscalia.example")
        else:
            AuthorityContact.objects.create(
                authority=authority, channel="webhook", address=f"{webhook_url}?n={n}", secret=SECRET
            )
        authorities.append(authority)
    started = time.perf_counter()
    result = issue_alert(case, by=user, authorities=authorities)
    return {
        "alert": result.alert.pk,
        "issue_seconds": time.perf_counter() - started,
        "cap_seconds": result.cap_seconds,
        "timings": result.timings,
        "issued_wall": time.time(),
    }


def report() -> dict[str, Any]:
    from redalert.alerts.models import Delivery
    from redalert.outbox.models import DeliveryAttempt

    rows = []
    for delivery in Delivery.objects.select_related("message").order_by("id"):
        message = delivery.message
        rows.append(
            {
                "channel": message.channel,
                "key": message.idempotency_key,
                "message_id": message.message_id,
                "status": message.status,
                "attempts": message.attempts,
                "error": message.last_error,
                "outcomes": list(
                    DeliveryAttempt.objects.filter(message=message).order_by("id").values_list("outcome", flat=True)
                ),
            }
        )
    return {"deliveries": rows}


def main() -> None:
    import django

    django.setup()
    command = sys.argv[1]
    out = setup(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]) if command == "setup" else report()
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
