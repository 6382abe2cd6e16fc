"""Fastly: purge by surrogate keys in one batch, as documented (fastly.com/documentation/reference/api/purging,
"Purge multiple surrogate key tags"):

    POST {api}/service/{service_id}/purge
    Fastly-Key: {token}
    Content-Type: application/json
    Accept: application/json

    {"surrogate_keys": ["ra-lists", "ra-c-…"]}

answered 200 with a map of each key to its purge id. Up to 256 keys per request. A hard purge (no
`Fastly-Soft-Purge`): a withdrawn case must not be served stale. Fastly reads the `Surrogate-Key` header of the
public answers and strips it (redalert.public.edge).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import requests

from redalert.public.purgers import PurgeFailed, chunks, timeout


@dataclass
class FastlyPurger:
    api_url: str
    service_id: str
    token: str
    name: str = "fastly"
    max_keys: int = 256
    session: requests.Session = field(default_factory=requests.Session)

    def purge(self, keys: Sequence[str]) -> None:
        if not (self.service_id and self.token):
            raise PurgeFailed("EDGE_FASTLY_SERVICE_ID and EDGE_FASTLY_API_TOKEN are needed.")
        url = f"{self.api_url.rstrip('/')}/service/{self.service_id}/purge"
        for batch in chunks(keys, self.max_keys):
            try:
                answer = self.session.post(
                    url,
                    json={"surrogate_keys": batch},
                    headers={"Fastly-Key": self.token, "Accept": "application/json"},
                    timeout=timeout(),
                )
                body = answer.json()
            except (requests.RequestException, ValueError) as exc:
                raise PurgeFailed(f"Fastly: {exc}") from exc
            if answer.status_code != 200 or not isinstance(body, dict) or not set(batch) <= set(body):
                raise PurgeFailed(f"Fastly answered {answer.status_code}: {str(body)[:200]}")
