"""Varnish: `PURGE /` with `X-Purge-Keys: key1 key2`, answered 200 by deploy/varnish/redalert.vcl after it banned
every cached object whose Surrogate-Key holds one of the keys (bans need no module: Debian's plain varnish does).

Each URL of EDGE_VARNISH_URLS is one Varnish's purge listener (the VCL accepts purges only from its ACL); all must
confirm, or the purge is retried for all of them (purging twice is harmless).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import requests

from redalert.public.purgers import PurgeFailed, chunks, timeout

HEADER = "X-Purge-Keys"


@dataclass
class VarnishPurger:
    urls: list[str]
    name: str = "varnish"
    max_keys: int = 100  # about 2 kB of header; Varnish takes 8 kB (http_req_hdr_len)
    session: requests.Session = field(default_factory=requests.Session)

    def purge(self, keys: Sequence[str]) -> None:
        if not self.urls:
            raise PurgeFailed("EDGE_VARNISH_URLS is empty.")
        for batch in chunks(keys, self.max_keys):
            for url in self.urls:
                try:
                    answer = self.session.request("PURGE", url, headers={HEADER: " ".join(batch)}, timeout=timeout())
                except requests.RequestException as exc:
                    raise PurgeFailed(f"Varnish {url}: {exc}") from exc
                if answer.status_code != 200:
                    raise PurgeFailed(f"Varnish {url} answered {answer.status_code}: {answer.text[:200]}")
