"""Reading a message's attachments at send time, for any channel.

Attachment content is stored once per content (Blob, keyed by SHA-256; see enqueue.store_blob) and read back here.
A round of deliveries reads the attachment rows of a batch in one query, and keeps the newest contents in memory:
one bulletin goes to many recipients.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from redalert.outbox.models import Attachment, Blob, OutboundMessage

# Attachment content by SHA-256 (content-addressed, so never stale): a round sends one bulletin to many recipients.
_BLOB_CACHE: OrderedDict[str, bytes] = OrderedDict()
_BLOB_CACHE_SIZE = 16

AttachmentRow = tuple[str, int, str, str]  # filename, blob id, sha256, MIME type


def blob_content(blob_id: int, sha256: str) -> bytes:
    content = _BLOB_CACHE.get(sha256)
    if content is None:
        content = bytes(Blob.objects.values_list("content", flat=True).get(pk=blob_id))
        _BLOB_CACHE[sha256] = content
        while len(_BLOB_CACHE) > _BLOB_CACHE_SIZE:
            _BLOB_CACHE.popitem(last=False)
    else:
        _BLOB_CACHE.move_to_end(sha256)
    return content


def attachment_rows(message: OutboundMessage) -> list[AttachmentRow]:
    cached: list[AttachmentRow] | None = message.__dict__.get("_attachment_rows")
    if cached is not None:
        return cached
    return list(
        Attachment.objects.filter(message_id=message.pk).values_list("filename", "blob_id", "blob__sha256", "mime_type")
    )


def prefetch_attachments(messages: Sequence[OutboundMessage]) -> None:
    """Read the attachment rows of a batch in one query."""
    rows: dict[int, list[AttachmentRow]] = {m.pk: [] for m in messages}
    found = Attachment.objects.filter(message_id__in=list(rows)).values_list(
        "message_id", "filename", "blob_id", "blob__sha256", "mime_type"
    )
    for message_id, filename, blob_id, sha256, mime_type in found.order_by("position", "id"):
        rows[message_id].append((filename, blob_id, sha256, mime_type))
    for message in messages:
        message.__dict__["_attachment_rows"] = rows[message.pk]


def attachments_of(message: OutboundMessage) -> list[tuple[str, bytes, str]]:
    rows = attachment_rows(message)
    return [(filename, blob_content(blob_id, sha), mime_type) for filename, blob_id, sha, mime_type in rows]
