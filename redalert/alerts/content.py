"""What a Red Alert says, in each language of its recipients: the CAP 1.2 message, the PDF search bulletin and
the text of the email (or webhook) with a placeholder where each recipient's acknowledgement link goes."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from lxml import etree

from redalert.alerts.models import Alert, AuthorityContact
from redalert.cases.models import Case
from redalert.outbox.enqueue import store_blob
from redalert.outbox.models import Blob
from redalert.public.cap_xml import CAP_NS, build_cap, case_url, contact_text, describe
from redalert.public.exposure import PublicCase
from redalert.public.pdf import build_bulletin

ACK_URL_PLACEHOLDER = "\x00ACK-URL\x00"
LANGUAGE_ORDER = ("es", "en", "pt")


def restriction(language: str) -> str:
    """CAP's <restriction> (one per message, not per <info>): in the alert's language, the recipients' first."""
    with translation.override(language):
        return _(
            "For the addressed authorities only: personal data shared with the family's consent, to search for this "
            "person. Do not publish."
        )


def recipient_languages(contacts: Iterable[AuthorityContact]) -> list[str]:
    """The languages of the recipients and of the site, the site's usual ones first (the first is the alert's)."""
    wanted = {c.effective_language for c in contacts} | {settings.LANGUAGE_CODE[:2]}
    return [code for code in LANGUAGE_ORDER if code in wanted] + sorted(wanted - set(LANGUAGE_ORDER))


def render_cap(
    case: Case,
    *,
    msg_type: str,
    identifier: str,
    sent: datetime,
    views: dict[str, PublicCase],
    references: Sequence[str] = (),
    public: bool = False,
) -> bytes:
    """The CAP 1.2 message of one alert version: scope Restricted, one <info> per recipient language."""
    languages = list(views)
    cap = build_cap(
        views[languages[0]],
        site_url=settings.SITE_URL,
        msg_type=msg_type,
        references=references,
        scope="Restricted",
        restriction=restriction(languages[0]),
        identifier=identifier,
        sent=sent,
        languages=languages,
        localized=views,
    )
    return cap if public else _strip_public_links(cap)


def _strip_public_links(cap: bytes) -> bytes:
    """Drop <web> and the photo <resource> (links to public pages) from a CAP message about a non-public case."""
    root = etree.fromstring(cap)
    for tag in ("web", "resource"):
        for element in root.iter(f"{{{CAP_NS}}}{tag}"):
            element.getparent().remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def render_bulletins(views: dict[str, PublicCase], *, public: bool, timings: dict[str, float]) -> dict[str, Blob]:
    """The PDF search bulletin in each language of `views`, stored for attachment; the seconds each took go in
    `timings` (pdf_<language>). It links to the case's public page only while the case is public."""
    page = case_url(settings.SITE_URL, next(iter(views.values())).public_id) if public else settings.SITE_URL
    bulletins: dict[str, Blob] = {}
    for lang, view in views.items():
        t0 = time.perf_counter()
        bulletins[lang] = store_blob(build_bulletin(view, url=page, language=lang))
        timings[f"pdf_{lang}"] = time.perf_counter() - t0
    return bulletins


@dataclass
class MessageContent:
    subject: str
    body: str  # with ACK_URL_PLACEHOLDER where the personal link goes


def render_content(alert: Alert, view: PublicCase, language: str, original: Alert | None) -> MessageContent:
    """The subject and text of the message about `alert` in one language."""
    with translation.override(language):
        context = {
            "alert": alert,
            "kind": alert.kind,
            "case_reference": alert.case.reference,
            "view": view,
            "description": describe(view),
            "contact": contact_text(view),
            "original": original,
            "ack_url": ACK_URL_PLACEHOLDER,
            "note": alert.note,
            "organisation": view.contact.organisation,
        }
        subject = render_to_string("alerts/email/subject.txt", context).strip().replace("\n", " ")
        body = render_to_string("alerts/email/body.txt", context)
    return MessageContent(subject=subject, body=body)


def stop_circulating_content(alert: Alert, original: Alert, language: str) -> MessageContent:
    """The text of a cancellation sent after consent was withdrawn: the case reference and the alert numbers only."""
    with translation.override(language):
        values = {"number": alert.number, "original": original.number, "reference": alert.case.reference}
        subject = _("RED ALERT #%(number)s, cancellation of #%(original)s (case %(reference)s)") % values
        body = "\n\n".join(
            [
                _(
                    "Please stop circulating Red Alert #%(original)s (case %(reference)s) and its search bulletin, "
                    "and delete the copies you keep: the family no longer consents to sharing it."
                )
                % values,
                _("This message carries no personal data. Confirm that you received it:"),
                ACK_URL_PLACEHOLDER,
            ]
        )
    return MessageContent(subject=subject, body=body + "\n")
