"""Fetching a received photo or voice note from its provider, by the workers (never in the webhook's request).

The webhook stores a `Media` row (status "pending", where the provider keeps the file, encrypted) and queues one
outbox row of the channel "inbound_media" in the same transaction. The outbox's workers (`run_worker`, or Celery)
claim it like any message and call `fetch` below; a network error or a provider's 5xx raises, and the outbox retries
with back-off (redalert.outbox.claiming). What arrives is checked by its content (redalert.conversations.files):
images are re-encoded without metadata; anything not accepted is kept as a refusal, never as a file.

- Twilio: the MediaUrl of the webhook, fetched with the account's SID and token (HTTP Basic). Only a URL under the
  account's API address is fetched: a forged webhook cannot make the server fetch an address of its choosing (and
  a webhook with a bad signature is refused before anything is stored anyway).
- WhatsApp Cloud API: GET {base}/{media-id} with the access token answers {"url": …}; that URL, fetched with the
  same token, gives the bytes.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from redalert.conversations.conf import setting
from redalert.conversations.files import FileRefused, check_file
from redalert.conversations.models import ChannelAccount, Media, MediaStatus, Provider
from redalert.outbox.channels import Transports
from redalert.outbox.channels import register as register_channel
from redalert.outbox.models import Channel, OutboundMessage


class MediaFetchError(RuntimeError):
    """The provider could not give the file now (the outbox retries)."""


def _get(url: str, headers: dict[str, str]) -> bytes:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise FileRefused("Not an http(s) address.")
    limit = int(setting("CONVERSATIONS_MEDIA_MAX_BYTES"))
    request = urllib.request.Request(url, headers={**headers, "User-Agent": "RedAlert-Conversations/1"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=setting("CONVERSATIONS_HTTP_TIMEOUT_SECONDS")) as response:  # noqa: S310 (scheme checked)
            data: bytes = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        if 400 <= exc.code < 500 and exc.code != 429:
            raise FileRefused(f"The provider answered HTTP {exc.code}.") from None
        raise MediaFetchError(f"The provider answered HTTP {exc.code}.") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise MediaFetchError(f"The provider could not be reached: {exc}") from None
    if len(data) > limit:
        raise FileRefused("The file is too large.")
    return data


def download(account: ChannelAccount, source: str) -> bytes:
    """The bytes of one media file from the account's provider."""
    if account.provider == Provider.TWILIO:
        base = account.api_base() + "/"
        if not source.startswith(base):
            raise FileRefused("The media address is not the provider's.")
        credentials = base64.b64encode(f"{account.account_sid}:{account.auth_token}".encode()).decode("ascii")
        return _get(source, {"Authorization": f"Basic {credentials}"})
    headers = {"Authorization": f"Bearer {account.access_token}"}
    described = json.loads(_get(f"{account.api_base()}/{urllib.parse.quote(source)}", headers) or b"{}")
    url = described.get("url") if isinstance(described, dict) else None
    if not isinstance(url, str) or not url:
        raise FileRefused("The provider did not say where the file is.")
    return _get(url, headers)


def fetch(message: OutboundMessage, transports: Transports) -> None:
    """The outbox's send function for "inbound_media": fetch, check and store one media file (or its refusal)."""
    spec: dict[str, Any] = json.loads(message.secret or "{}")
    media = Media.objects.select_related("message__account").filter(pk=int(spec.get("media") or 0)).first()
    if media is None or media.status != MediaStatus.PENDING:
        return  # deleted since, or already done by an earlier attempt
    try:
        checked = check_file(download(media.message.account, media.source))
    except FileRefused as exc:
        Media.objects.filter(pk=media.pk, status=MediaStatus.PENDING).update(
            status=MediaStatus.REJECTED, refusal=str(exc)[:200], source=""
        )
        return
    with transaction.atomic():
        locked = Media.objects.select_for_update().get(pk=media.pk)
        if locked.status != MediaStatus.PENDING:
            return
        locked.file.save(f"{checked.sha256}.{checked.extension}", ContentFile(checked.data), save=False)
        locked.content_type = checked.content_type
        locked.size = len(checked.data)
        locked.sha256 = checked.sha256
        locked.status = MediaStatus.STORED
        locked.source = ""  # nothing left to fetch: the provider's address is not kept
        locked.save()


def register() -> None:
    register_channel(Channel.INBOUND_MEDIA, fetch)
