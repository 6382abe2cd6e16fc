"""The printable search bulletin: one A4 page, only exposed data, gone at once when consent is withdrawn."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from redalert.cases.choices import CaseStatus
from redalert.cases.lifecycle import TransitionRequest, transition
from redalert.public import bulletin, pdf
from redalert.public.exposure import public_case_or_404
from redalert.public.models import PublicText
from redalert.public.services import publication_for
from redalert.public.tests.test_feeds import (
    assert_nothing_private,
    publish,
    record_consent,
    sensitive_case,
    withdraw,
)

PAGE = re.compile(rb"/Type /Page\b(?!s)")


@pytest.fixture
def readable_pdfs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the view build with Helvetica and no compression, so that the text can be read in the bytes."""
    real = pdf.build_bulletin

    def readable(*args: Any, **kwargs: Any) -> bytes:
        return real(*args, **kwargs, embed_fonts=False, compress=False)

    monkeypatch.setattr(bulletin, "build_bulletin", readable)


def get(public_id: str, lang: str | None = None) -> Any:
    query = {"lang": lang} if lang is not None else {}
    return Client().get(reverse("public:bulletin", args=[public_id]), query)


@pytest.fixture
def texts(org_a: Any) -> None:
    PublicText.objects.create(organisation=org_a, language="es", contact_line="Escríbenos: contacto@rba.example.org")
    PublicText.objects.create(
        organisation=org_a, language="en", contact_line="Write to us: contact@rba.example.org", hotline="800 123 4567"
    )


def test_bulletin_is_a_one_page_inline_pdf_not_cached(make_case, org_a, coordinator):
    publication = publish(make_case(org_a, coordinator), coordinator, photo=True)

    response = get(publication.public_id)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="ficha-{publication.public_id}-es.pdf"'
    assert response["Cache-Control"] == "no-cache"
    assert response.content.startswith(b"%PDF")
    assert len(PAGE.findall(response.content)) == 1
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in response.content  # A4 portrait


def test_english_bulletin_shows_exposed_facts_contact_and_page_url(readable_pdfs, texts, make_case, org_a, coordinator):
    publication = publish(
        make_case(org_a, coordinator, clothing="Blue school uniform", physical_description="Long black hair"),
        coordinator,
        public_summary="Her family asks for any information.",
    )

    response = get(publication.public_id, "en")

    content = response.content
    assert response["Content-Disposition"].endswith(f'-{publication.public_id}-en.pdf"')
    for expected in (
        b"LOOKING FOR",
        b"Fernanda",
        b"17 years",
        b"March 1, 2026",
        b"Mexico",
        b"Blue school uniform",
        b"Long black hair",
        b"Her family asks for any information.",
        b"Write to us: contact@rba.example.org",
        b"Hotline: 800 123 4567",
        f"http://testserver/se-busca/{publication.public_id}/".encode(),
    ):
        assert expected in content, expected


def test_spanish_is_the_default_and_unknown_languages_fall_back_to_it(
    readable_pdfs, texts, make_case, org_a, coordinator
):
    publication = publish(make_case(org_a, coordinator), coordinator)

    for lang in (None, "es", "xx", "pt"):
        response = get(publication.public_id, lang)
        assert response["Content-Disposition"].endswith('-es.pdf"'), lang
        assert b"marzo de 2026" in response.content
        assert b"contacto@rba.example.org" in response.content


def test_bulletin_never_shows_private_or_hidden_data(readable_pdfs, make_case, org_a, coordinator):
    case = sensitive_case(make_case, org_a, coordinator)
    publication = publish(case, coordinator, show_distinguishing_marks=False, show_age=False, photo=True)

    content = get(publication.public_id, "en").content

    assert b"Fernanda" in content
    assert_nothing_private(content.decode("latin-1"))
    assert b"years" not in content


def test_bulletin_draws_the_photo_and_the_qr_code(make_case, org_a, coordinator):
    with_photo = publish(make_case(org_a, coordinator), coordinator, photo=True)
    without_photo = publish(make_case(org_a, coordinator), coordinator)

    assert get(with_photo.public_id).content.count(b"/Subtype /Image") == 2
    assert get(without_photo.public_id).content.count(b"/Subtype /Image") == 1


def test_qr_code_encodes_the_absolute_url_of_the_public_page():
    url = "https://alerta.example.org/se-busca/abc123/"
    assert pdf.qr_payload(url) == url
    assert pdf.qr_png(url).startswith(b"\x89PNG")
    with pytest.raises(ValueError):
        pdf.qr_payload("/se-busca/abc123/")


def test_bulletin_is_404_without_consent_after_withdrawal_and_once_located(make_case, org_a, coordinator):
    unpublished = make_case(org_a, coordinator)
    record_consent(unpublished, "publish", coordinator)
    assert get(publication_for(unpublished).public_id).status_code == 404
    assert get("nosuchcase").status_code == 404

    publication = publish(make_case(org_a, coordinator), coordinator)
    assert get(publication.public_id).status_code == 200
    withdraw(publication.case, coordinator)
    assert get(publication.public_id).status_code == 404

    located = publish(make_case(org_a, coordinator), coordinator)
    transition(located.case, TransitionRequest(CaseStatus.LOCATED_ALIVE), coordinator)
    assert get(located.public_id).status_code == 404


def test_build_bulletin_works_with_and_without_dejavu_and_any_name(make_case, org_a, coordinator, monkeypatch):
    publication = publish(
        make_case(org_a, coordinator, given_names="Ṅgoc Ānh", first_surname="Ñuñez", birth_date=date(1990, 1, 1)),
        coordinator,
        photo=True,
        public_summary="x " * 600,  # a very long text shrinks to fit: still one page
    )
    _case, public_case = public_case_or_404(publication.public_id)
    url = f"https://alerta.example.org/se-busca/{publication.public_id}/"

    embedded = pdf.build_bulletin(public_case, url=url, language="es")
    monkeypatch.setattr(pdf, "DEJAVU_DIR", Path("/nonexistent"))
    builtin = pdf.build_bulletin(public_case, url=url, language="en", compress=False)

    for document in (embedded, builtin):
        assert document.startswith(b"%PDF")
        assert len(PAGE.findall(document)) == 1
    assert b"/Helvetica" in builtin
    if Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").is_file():
        assert b"DejaVuSans" in embedded
    if os.environ.get("BULLETIN_SAMPLE"):
        Path(os.environ["BULLETIN_SAMPLE"]).write_bytes(embedded)


def test_build_bulletin_refuses_a_located_case(make_case, org_a, coordinator):
    publication = publish(make_case(org_a, coordinator), coordinator)
    transition(publication.case, TransitionRequest(CaseStatus.LOCATED_ALIVE), coordinator)
    _case, public_case = public_case_or_404(publication.public_id)
    with pytest.raises(ValueError):
        pdf.build_bulletin(public_case, url="https://alerta.example.org/x/", language="es")
