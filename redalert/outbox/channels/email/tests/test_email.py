"""The email channel against a real SMTP sink: attachments."""

import pytest
from django.db import transaction

from redalert.outbox.claiming import deliver_due
from redalert.outbox.enqueue import enqueue_email
from redalert.outbox.models import Blob

pytestmark = pytest.mark.django_db


def test_email_attachments_arrive_and_their_content_is_stored_once(smtp_sink):
    pdf = b"%PDF-1.4 fake bulletin"
    with transaction.atomic():
        for n in range(3):
            enqueue_email(
                f"p{n}@example.org",
                "Subject",
                "Body",
                key=f"att-{n}",
                attachments=[
                    ("bulletin.pdf", pdf, "application/pdf"),
                    ("alert.cap.xml", b"<alert/>", "application/cap+xml"),
                ],
            )
    assert Blob.objects.count() == 2
    assert deliver_due() == 3
    assert len(smtp_sink.messages) == 3
    parts = {p.get_filename(): p for p in smtp_sink.messages[0].iter_attachments()}
    assert parts["bulletin.pdf"].get_content() == pdf
    assert parts["bulletin.pdf"].get_content_type() == "application/pdf"
    assert parts["alert.cap.xml"].get_content_type() == "application/cap+xml"
