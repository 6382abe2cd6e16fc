"""Cloudflare: purge by cache tag, as documented (developers.cloudflare.com/api, "Purge Cached Content"):

    POST {api}/zones/{zone_id}/purge_cache
    Authorization: Bearer {token}
    Content-Type: application/json

    {"tags": ["ra-lists", "ra-c-…"]}

answered `{"success": true, …}`. Up to 30 tags per request (the limit of most plans). The public answers carry the
tags in `Cache-Tag` (comma separated), which Cloudflare reads and strips (redalert.public.edge).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import requests

from redalert.public.purgers import PurgeFailed, chunks, timeout


@dataclass
class CloudflarePurger:
    api_url: str
    zone_id: str
    token: str
    name: str = "cloudflare"
    max_keys: int = 30
    session: requests.Session = field(default_factory=requests.Session)

    def purge(self, keys: Sequence[str]) -> None:
        if not (self.zone_id and self.token):
            raise PurgeFailed("EDGE_CLOUDFLARE_ZONE_ID and EDGE_CLOUDFLARE_API_TOKEN are needed.")
        url = f"{self.api_url.rstrip('/')}/zones/{self.zone_id}/purge_cache"
        for batch in chunks(keys, self.max_keys):
            try:
                answer = self.session.post(
                    url, json={"tags": batch}, headers={"Authorization": f"Bearer {self.token}"}, timeout=timeout()
                )
                body = answer.json()
            except (requests.RequestException, ValueError) as exc:
                raise PurgeFailed(f"Cloudflare: {exc}") from exc
            if answer.status_code != 200 or not isinstance(body, dict) or body.get("success") is not True:
                raise PurgeFailed(f"Cloudflare answered {answer.status_code}: {str(body)[:200]}")
