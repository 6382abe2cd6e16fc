"""Public PFIF 1.4 URLs: /pfif/personas.xml (a pfif:pfif document) and /pfif/personas.atom (Atom of pfif:person)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from redalert.accounts.middleware import public
from redalert.pfif.export import atom_document, pfif_document


def _response(body: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    # As the public Atom feed: withdrawal of consent must take a record down at once, so no shared caches.
    response["Cache-Control"] = "no-cache"
    return response


@public
@require_GET
def pfif_xml(request: HttpRequest) -> HttpResponse:
    return _response(pfif_document(), "application/xml; charset=utf-8")


@public
@require_GET
def pfif_atom(request: HttpRequest) -> HttpResponse:
    return _response(atom_document(), "application/atom+xml; charset=utf-8")
