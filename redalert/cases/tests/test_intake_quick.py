"""The intake on a phone (issue 17): the error banner names the failed fields with links to them, choices survive a
re-rendered form, the optional parts are folded, and the consents given at the report are recorded with it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from redalert.cases.models import Case
from redalert.cases.tests.test_intake import intake_post
from redalert.consent.models import ConsentRecord

pytestmark = pytest.mark.django_db


def selected(html: str, name: str) -> list[str]:
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match
    return re.findall(r'<option value="(\w*)"\s*selected', match.group(1))


def test_the_banner_lists_the_failed_fields_with_links_and_choices_are_kept(client_for, coordinator, places):
    data = intake_post(places, **{"report-reported_at": "", "person-languages": "klingoniano"})
    response = client_for(coordinator).post(reverse("cases:intake"), data, HTTP_ACCEPT_LANGUAGE="es")
    html = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    banner = html[html.index('id="failed-fields"') :]
    banner = banner[: banner.index("</div>")]
    assert 'href="#id_report-reported_at"' in banner and 'href="#id_person-languages"' in banner
    assert 'id="id_report-reported_at"' in html and 'id="id_person-languages"' in html
    # A re-rendered form keeps what she chose (never back to "No se sabe").
    assert selected(html, "person-sex") == ["female"]
    assert selected(html, "person-gender") == ["Feminine"]
    # The folded part with the failed field opens by itself; the others stay folded.
    assert '<details class="more" id="intake-description" open>' in html
    assert '<details class="more" id="intake-consent">' in html


def test_a_first_report_needs_only_the_fields_above_the_folds(client_for, coordinator, places):
    quick = {
        k: v
        for k, v in intake_post(places).items()
        if k.split("-", 1)[1]
        in {"reported_at", "report_channel", "reporter_name", "reporter_relationship", "reporter_phone"}
        | {"last_seen_on", "last_seen_place_0", "last_seen_place_1", "given_names", "first_surname", "sex", "gender"}
        | {"indigenous"}
    }
    response = client_for(coordinator).post(reverse("cases:intake"), quick)
    assert response.status_code == 302
    assert not ConsentRecord.objects.exists()


def test_consents_given_at_the_report_are_recorded_with_it(client_for, coordinator, places):
    data = intake_post(
        places,
        **{
            "consent-purpose": ["open_file", "publish", "share_authorities"],
            "consent-decision": "granted",
            "consent-method": "verbal_witnessed",
            "consent-witness_name": "Lucía Pérez",
            "consent-decided_on": "2026-03-02",
        },
    )
    response = client_for(coordinator).post(reverse("cases:intake"), data)
    assert response.status_code == 302
    case = Case.objects.get()
    records = ConsentRecord.objects.filter(case=case)
    assert sorted(r.purpose for r in records) == ["open_file", "publish", "share_authorities"]
    # Who decided: the reporter typed above.
    assert {(r.given_by_name, r.given_by_relationship, r.recorded_by_id) for r in records} == {
        ("Rosa Hernández Cruz", "mother", coordinator.pk)
    }


def test_a_bad_consent_section_saves_neither_the_report_nor_the_consents(client_for, coordinator, places):
    data = intake_post(
        places,
        **{"consent-purpose": ["publish"], "consent-decision": "granted", "consent-method": "verbal_witnessed"},
    )
    response = client_for(coordinator).post(reverse("cases:intake"), data, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert not Case.objects.exists() and not ConsentRecord.objects.exists()
    html = response.content.decode()
    assert 'href="#id_consent-witness_name"' in html
    assert '<details class="more" id="intake-consent" open>' in html
