"""The API's routes under /api/v1/: the routers of each part, and a trivial endpoint (who am I)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from redalert.api import alerts_api, cases_api, consent_api, found_api, reports_api, statistics_api, tips_api, work_api
from redalert.api.core import api, api_client
from redalert.api.schemas import ERRORS, MeOut

api.add_router("", cases_api.router)
api.add_router("", consent_api.router)
api.add_router("", reports_api.router)
api.add_router("", tips_api.router)
api.add_router("", work_api.router)
api.add_router("", alerts_api.router)
api.add_router("", statistics_api.router)
api.add_router("", found_api.router)


@api.get("/me", response={200: MeOut, **ERRORS}, tags=["client"], summary="The client calling")
def me(request: HttpRequest) -> Any:
    client = api_client(request)
    return {
        "client": client.name,
        "key_id": client.key_id,
        "organisation": client.organisation.name,
        "scopes": client.scopes,
        "expires_at": client.expires_at,
    }
