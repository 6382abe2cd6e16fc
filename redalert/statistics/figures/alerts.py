"""Red Alerts issued in the year, and alert accountability by authority."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Min
from django.utils.translation import gettext as _

from redalert.alerts.diligence import median
from redalert.alerts.models import Acknowledgement, Alert, AlertKind, Authority, Delivery, Recipient
from redalert.statistics.loading import YearData
from redalert.statistics.tables import Cell, Column, Row, Table


def alerts_table(data: YearData) -> Table:
    period = data.period
    by_kind: dict[str, set[int]] = defaultdict(set)
    counts: Counter[str] = Counter()
    for case_id, kind in (
        data.of_cases(Alert.objects.filter(issued_at__gte=period.start, issued_at__lt=period.end))
        .order_by()
        .values_list("case_id", "kind")
    ):
        by_kind[kind].add(case_id)
        counts[kind] += 1
    rows = [
        Row(k.value, str(k.label), {"alerts": Cell(counts[k.value], cases=frozenset(by_kind[k.value]))})
        for k in AlertKind
    ]
    return Table(
        "alerts",
        _("Red Alerts issued"),
        [Column("alerts", _("Messages"))],
        rows,
        definition=_("Red Alerts, updates and cancellations issued in %(year)s about the cases worked in %(year)s.")
        % {"year": data.year},
    )


def alert_authorities_table(data: YearData) -> Table:
    """Per authority, for alerts and updates issued in the year (the due-diligence definitions of
    redalert.alerts.diligence): addressed, received (a message accepted), acknowledged, median hours from the
    first accepted message to the first acknowledgement."""
    period = data.period
    recipients = data.of_cases(
        Recipient.objects.filter(
            alert__issued_at__gte=period.start,
            alert__issued_at__lt=period.end,
            alert__kind__in=[AlertKind.ALERT, AlertKind.UPDATE],
        ),
        "alert__case",
    )
    addressed: dict[tuple[int, int], int] = {}
    for authority_id, alert_id, case_id in recipients.order_by().values_list(
        "authority_id", "alert_id", "alert__case_id"
    ):
        addressed[(authority_id, alert_id)] = case_id
    received = {
        (r["recipient__authority_id"], r["recipient__alert_id"]): r["first_sent"]
        for r in Delivery.objects.filter(recipient__in=recipients.values("pk"), message__sent_at__isnull=False)
        .order_by()
        .values("recipient__authority_id", "recipient__alert_id")
        .annotate(first_sent=Min("message__sent_at"))
    }
    acknowledged = {
        (a["recipient__authority_id"], a["recipient__alert_id"]): a["first_ack"]
        for a in Acknowledgement.objects.filter(recipient__in=recipients.values("pk"))
        .order_by()
        .values("recipient__authority_id", "recipient__alert_id")
        .annotate(first_ack=Min("at"))
    }
    authorities = Authority.objects.select_related("organisation").in_bulk({a for a, _alert in addressed})
    per_authority: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pair in addressed:
        per_authority[pair[0]].append(pair)

    def cells(pairs: list[tuple[int, int]]) -> dict[str, Cell]:
        got = [p for p in pairs if p in received]
        acked = [p for p in got if p in acknowledged]
        hours = [max((acknowledged[p] - received[p]).total_seconds(), 0) / 3600 for p in acked]
        waiting = len(got) - len(acked)
        return {
            "addressed": Cell(len(pairs), cases=frozenset(addressed[p] for p in pairs)),
            "received": Cell(len(got), cases=frozenset(addressed[p] for p in got)),
            "acknowledged": Cell(len(acked), denominator=len(got), cases=frozenset(addressed[p] for p in acked)),
            "median_hours": Cell(median(hours), no_data=waiting, unit="h"),
        }

    def label(authority: Authority) -> str:
        if data.scope.is_coalition:
            return f"{authority.name} ({authority.organisation.code})"
        return authority.name

    ordered = sorted(per_authority.items(), key=lambda item: label(authorities[item[0]]))
    rows = [Row(str(pk), label(authorities[pk]), cells(pairs)) for pk, pairs in ordered]
    if rows:
        rows.append(Row("total", _("All authorities"), cells(list(addressed)), kind="total"))
    return Table(
        "alert_authorities",
        _("Alert accountability, by authority"),
        [
            Column("addressed", _("Alerts addressed")),
            Column("received", _("Received")),
            Column("acknowledged", _("Acknowledged"), percent=True),
            Column("median_hours", _("Median time to acknowledge")),
        ],
        rows,
        definition=_(
            "Red Alerts and updates issued in %(year)s, per authority: addressed to it; received (a message to "
            "one of its contacts was accepted); acknowledged through the personal link, as of the date of this "
            "report; median hours from the first accepted message to the first acknowledgement. Percentages are of "
            "the alerts received; “no data” next to the median counts alerts received and not acknowledged."
        )
        % {"year": data.year},
    )
