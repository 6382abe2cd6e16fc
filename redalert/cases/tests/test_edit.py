"""The edit view: changes keep the field history."""

from __future__ import annotations

from django.urls import reverse

from redalert.audit.models import AuditAction, AuditEntry


def test_editing_keeps_field_history(client_for, case, coordinator, places):
    client = client_for(coordinator)
    form = client.get(reverse("cases:edit", args=[case.pk])).context
    data = {}
    for prefix_form in (form["report_form"], form["person_form"]):
        for name, field in prefix_form.fields.items():
            value = prefix_form[name].value()
            key = prefix_form.add_prefix(name)
            if name == "last_seen_place":
                data[key + "_0"] = ""
                data[key + "_1"] = str(case.last_seen_place_id)
            elif isinstance(value, list):
                data[key] = value
            else:
                formatted = field.widget.format_value(value)
                if formatted is not None:
                    data[key] = formatted
    data["person-second_surname"] = "Hernández de la Cruz"
    data["report-reporter_phone"] = "+52 442 765 4321"
    response = client.post(reverse("cases:edit", args=[case.pk]), data)
    assert response.status_code == 302, response.context and response.context["report_form"].errors
    case.refresh_from_db()
    assert case.person.second_surname == "Hernández de la Cruz"
    entry = AuditEntry.objects.filter(case_id=case.pk, action=AuditAction.CHANGE).latest("id")
    changes = entry.detail["changes"]
    assert changes["missingperson.second_surname"] == {"from": "Hernández", "to": "Hernández de la Cruz"}
    assert changes["case.reporter_phone"] == {"encrypted": True}  # the phone itself never leaves its column
    assert case.timeline.filter(kind="change").exists()
