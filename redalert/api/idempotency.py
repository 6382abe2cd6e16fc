"""Idempotency keys on creates: the first answer to (client, key) is kept and given again to every repeat.

The create and the kept answer are written in one transaction; two concurrent requests with one key cannot both
create (the second one's insert of the key fails, its work rolls back, and it answers with the first one's answer).
The same key with a different request (method, path or body) is a 422.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from redalert.api.models import IdempotentAnswer
from redalert.api.problems import ApiProblem

HEADER = "Idempotency-Key"


def _fingerprint(request: HttpRequest) -> str:
    method = (request.method or "").encode()
    return hashlib.sha256(b"%s %s\n%s" % (method, request.path.encode(), request.body)).hexdigest()


def _replay(answer: IdempotentAnswer, fingerprint: str) -> HttpResponse:
    if answer.fingerprint != fingerprint:
        raise ApiProblem(
            422,
            "idempotency-key-reused",
            _("This Idempotency-Key was used for another request."),
            _("Use a new key for a new request."),
        )
    response = HttpResponse(
        json.dumps(answer.body, ensure_ascii=False), status=answer.status, content_type="application/json"
    )
    if isinstance(answer.body, dict) and "etag" in answer.body:
        response["ETag"] = answer.body["etag"]
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(request: HttpRequest, create: Callable[[], HttpResponse]) -> HttpResponse:
    """Run `create` once per Idempotency-Key of the client (without the header: every time)."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        with transaction.atomic():
            return create()
    if len(key) > 200 or not key.isprintable():
        raise ApiProblem(400, "bad-idempotency-key", _("The Idempotency-Key is not valid."), _("Up to 200 characters."))
    client = request.api_client  # type: ignore[attr-defined]
    fingerprint = _fingerprint(request)
    kept = IdempotentAnswer.objects.filter(client=client, key=key).first()
    if kept is not None:
        return _replay(kept, fingerprint)
    try:
        with transaction.atomic():
            response = create()
            if response.status_code < 300:
                IdempotentAnswer.objects.create(
                    client=client,
                    key=key,
                    fingerprint=fingerprint,
                    status=response.status_code,
                    body=json.loads(response.content),
                )
    except IntegrityError:
        kept = IdempotentAnswer.objects.filter(client=client, key=key).first()
        if kept is None:
            raise
        return _replay(kept, fingerprint)
    return response
