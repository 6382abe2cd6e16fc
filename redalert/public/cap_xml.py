"""CAP 1.2 (OASIS Common Alerting Protocol) messages about a public case, built only from its PublicCase.

`build_cap` makes an Alert, Update or Cancel with one <info> block per language, shaped like the AMBER example of
the CAP 1.2 specification (category Rescue, urgency Immediate, severity Severe, certainty Likely; SAME CAE only for
a minor). `build_cancel` makes a Cancel that carries nothing about the person (for a withdrawn consent, when no
PublicCase exists any more). Both return UTF-8 bytes; the Red Alert issue reuses them for alerts to authorities.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from lxml import etree

from redalert.places.models import PlaceKind
from redalert.public.exposure import PublicCase

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
CAP_MIME_TYPE = "application/cap+xml"
MSG_TYPES = ("Alert", "Update", "Cancel")
STATUSES = ("Actual", "Exercise", "System", "Test", "Draft")
SCOPES = ("Public", "Restricted", "Private")
# One <info> per language; the codes are RFC 3066 tags (CAP's xs:language).
DEFAULT_LANGUAGES = ("es", "en")
# Radius of the circle around a town's centre (a public gazetteer point, never a private place).
AREA_RADIUS_KM = 10
PHOTO_SIZE = 480
SENDER_LOCAL_PART = "alerta-roja"
PROJECT_EVENT_CODE = ("redalert", "missing-person")
# CAP forbids spaces, commas and the XML-restricted characters in identifiers and senders.
_FORBIDDEN_IN_IDS = frozenset(" ,<&\t\r\n\"'")


class CapError(ValueError):
    """The message asked for breaks a CAP 1.2 rule (e.g. an Update without references)."""


@dataclass(frozen=True)
class CapReference:
    """An earlier message, as CAP's <references> names it: "sender,identifier,sent"."""

    sender: str
    identifier: str
    sent: str  # already in CAP date-time form

    def __str__(self) -> str:
        return f"{self.sender},{self.identifier},{self.sent}"


def cap_datetime(moment: datetime) -> str:
    """CAP date-time: "2026-03-01T10:30:00-06:00" (local time, offset, no microseconds; UTC is written -00:00)."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    text = timezone.localtime(moment).replace(microsecond=0).isoformat()
    return text[:-6] + "-00:00" if text.endswith("+00:00") else text


def site_host(site_url: str) -> str:
    host = urlsplit(site_url).hostname or ""
    if not host:
        raise CapError(f"Not an absolute site URL: {site_url!r}")
    return host


def cap_sender(site_url: str) -> str:
    """An address-like sender id for this installation: "alerta-roja@<host>"."""
    return f"{SENDER_LOCAL_PART}@{site_host(site_url)}"


def cap_identifier(site_url: str, public_id: str, version: datetime) -> str:
    """Stable per case and version: "<host>/<public_id>/<UTC timestamp>" (no spaces, commas or < &)."""
    stamp = version.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    return _checked_id(f"{site_host(site_url)}/{public_id}/{stamp}")


def reference_to(message: bytes) -> CapReference:
    """The <references> entry that points at an earlier message built here (for an Update or Cancel)."""
    root = etree.fromstring(message)  # our own output, never untrusted input
    ns = {"cap": CAP_NS}
    return CapReference(
        sender=root.findtext("cap:sender", namespaces=ns) or "",
        identifier=root.findtext("cap:identifier", namespaces=ns) or "",
        sent=root.findtext("cap:sent", namespaces=ns) or "",
    )


def case_url(site_url: str, public_id: str) -> str:
    return urljoin(site_url, reverse("public:case", args=[public_id]))


def photo_url(site_url: str, public_id: str) -> str:
    return urljoin(site_url, reverse("public:photo", args=[public_id, PHOTO_SIZE]))


def build_cap(
    public_case: PublicCase,
    *,
    site_url: str,
    msg_type: str = "Alert",
    references: Sequence[CapReference | str] = (),
    scope: str = "Public",
    restriction: str = "",
    addresses: Sequence[str] = (),
    status: str = "Actual",
    version: datetime | None = None,
    sent: datetime | None = None,
    identifier: str | None = None,
    note: str = "",
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    localized: Mapping[str, PublicCase] | None = None,
) -> bytes:
    """A CAP 1.2 message about a public case, with one <info> block per language.

    - `version` (default: public_case.updated_at) makes the identifier; `sent` defaults to the version, so the same
      public state always gives the same message. Pass `identifier` to name the message yourself.
    - `msg_type` "Update" and "Cancel" need `references` to the earlier messages (see reference_to()).
    - `scope` "Restricted" needs `restriction`; "Private" needs `addresses` (one entry per recipient).
    - `localized` maps a language to the PublicCase exposed in it (place label and contact line in that language);
      languages without an entry use `public_case`.
    """
    version = version or public_case.updated_at
    root = _alert(
        site_url=site_url,
        identifier=identifier or cap_identifier(site_url, public_case.public_id, version),
        sent=sent or version,
        msg_type=msg_type,
        references=references,
        scope=scope,
        restriction=restriction,
        addresses=addresses,
        status=status,
        note=note,
    )
    for language in languages:
        localized_case = (localized or {}).get(language, public_case)
        if localized_case.public_id != public_case.public_id:
            raise CapError("A localized exposure belongs to another case.")
        with translation.override(language):
            root.append(_info(localized_case, language=language, site_url=site_url))
    return _serialise(root)


def build_cancel(
    *,
    site_url: str,
    references: Sequence[CapReference | str],
    sent: datetime | None = None,
    identifier: str | None = None,
    scope: str = "Public",
    restriction: str = "",
    addresses: Sequence[str] = (),
    status: str = "Actual",
) -> bytes:
    """A Cancel that says nothing about the person: for when consent is withdrawn and no PublicCase exists."""
    sent = sent or timezone.now()
    root = _alert(
        site_url=site_url,
        identifier=identifier or _checked_id(f"{site_host(site_url)}/cancel/{sent.astimezone(UTC):%Y%m%dT%H%M%S.%fZ}"),
        sent=sent,
        msg_type="Cancel",
        references=references,
        scope=scope,
        restriction=restriction,
        addresses=addresses,
        status=status,
        note="",
    )
    return _serialise(root)


def _checked_id(value: str) -> str:
    if not value or _FORBIDDEN_IN_IDS.intersection(value):
        raise CapError(f"Not a valid CAP identifier: {value!r}")
    return value


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{CAP_NS}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _value_pair(parent: etree._Element, tag: str, name: str, value: str) -> None:
    element = _sub(parent, tag)
    _sub(element, "valueName", name)
    _sub(element, "value", value)


def _alert(
    *,
    site_url: str,
    identifier: str,
    sent: datetime,
    msg_type: str,
    references: Sequence[CapReference | str],
    scope: str,
    restriction: str,
    addresses: Sequence[str],
    status: str,
    note: str,
) -> etree._Element:
    if msg_type not in MSG_TYPES:
        raise CapError(f"msgType must be one of {MSG_TYPES}, not {msg_type!r}")
    if status not in STATUSES:
        raise CapError(f"status must be one of {STATUSES}, not {status!r}")
    if scope not in SCOPES:
        raise CapError(f"scope must be one of {SCOPES}, not {scope!r}")
    if msg_type in ("Update", "Cancel") and not references:
        raise CapError(f"A {msg_type} must reference the message(s) it updates or cancels.")
    if scope == "Restricted" and not restriction.strip():
        raise CapError("A Restricted message needs a restriction text.")
    if scope == "Private" and not addresses:
        raise CapError("A Private message needs addresses.")
    reference_texts = [str(r) for r in references]
    for text in reference_texts:
        if " " in text or text.count(",") != 2:
            raise CapError(f"Not a CAP reference (sender,identifier,sent): {text!r}")

    root = etree.Element(f"{{{CAP_NS}}}alert", nsmap={None: CAP_NS})
    _sub(root, "identifier", _checked_id(identifier))
    _sub(root, "sender", _checked_id(cap_sender(site_url)))
    _sub(root, "sent", cap_datetime(sent))
    _sub(root, "status", status)
    _sub(root, "msgType", msg_type)
    _sub(root, "scope", scope)
    if scope == "Restricted":
        _sub(root, "restriction", restriction.strip())
    if scope == "Private":
        # Space-delimited; an address containing spaces goes in double quotes.
        _sub(root, "addresses", " ".join(f'"{a}"' if " " in a else a for a in addresses))
    if note:
        _sub(root, "note", note)
    if reference_texts:
        _sub(root, "references", " ".join(reference_texts))
    return root


def _info(case: PublicCase, *, language: str, site_url: str) -> etree._Element:
    info = etree.Element(f"{{{CAP_NS}}}info")
    _sub(info, "language", language)
    _sub(info, "category", "Rescue")
    _sub(info, "event", _("Missing person"))
    _sub(info, "urgency", "Immediate" if case.is_missing else "Past")
    _sub(info, "severity", "Severe" if case.is_missing else "Minor")
    _sub(info, "certainty", "Likely" if case.is_missing else "Observed")
    if case.is_missing and case.age is not None and case.age < 18:
        _value_pair(info, "eventCode", "SAME", "CAE")  # Child Abduction Emergency, as AMBER alerts use it
    _value_pair(info, "eventCode", *PROJECT_EVENT_CODE)
    _sub(info, "senderName", case.contact.organisation)
    if case.is_missing:
        _sub(info, "headline", _("LOOKING FOR: %(name)s") % {"name": case.full_name})
    else:
        _sub(info, "headline", _("LOCATED: %(name)s") % {"name": case.full_name})
    _sub(info, "description", describe(case))
    _sub(info, "instruction", _instruction(case))
    _sub(info, "web", case_url(site_url, case.public_id))
    contact = contact_text(case)
    if contact:
        _sub(info, "contact", contact)
    if case.photo_id is not None:
        resource = _sub(info, "resource")
        _sub(resource, "resourceDesc", _("Photo"))
        _sub(resource, "mimeType", "image/jpeg")
        _sub(resource, "uri", photo_url(site_url, case.public_id))
    area = _sub(info, "area")
    _sub(area, "areaDesc", case.place.label)  # in the active language
    place = case.place
    if place.kind == PlaceKind.LOCALITY and place.latitude is not None and place.longitude is not None:
        _sub(area, "circle", f"{place.latitude:.5f},{place.longitude:.5f} {AREA_RADIUS_KM}")
    if case.country_code:
        _value_pair(area, "geocode", "ISO3166-1", case.country_code)
    if case.subdivision_code:
        _value_pair(area, "geocode", "ISO3166-2", case.subdivision_code)
    return info


def describe(case: PublicCase) -> str:
    """The public facts of a case in the active language: only what exposure() let through."""
    if not case.is_missing:
        return _("She was located. Thank you to everyone who shared the search.")
    lines = []
    if case.age is not None:
        lines.append(_("Age when last seen: %(age)s.") % {"age": case.age})
    lines.append(
        _("Last seen on %(date)s in %(place)s.")
        % {"date": date_format(case.last_seen_on, "DATE_FORMAT"), "place": case.place.label}
    )
    for label, text in (
        (_("Physical description"), case.physical_description),
        (_("Distinguishing marks"), case.distinguishing_marks),
        (_("Clothing when last seen"), case.clothing),
    ):
        if text.strip():
            lines.append(f"{label}: {text.strip()}")
    if case.summary.strip():
        lines.append(case.summary.strip())
    return "\n".join(lines)


def contact_text(case: PublicCase) -> str:
    parts = [case.contact.contact_line.strip()]
    if case.contact.hotline.strip():
        parts.append(_("Hotline: %(number)s") % {"number": case.contact.hotline.strip()})
    return " · ".join(p for p in parts if p)


def _instruction(case: PublicCase) -> str:
    if not case.is_missing:
        return _("No action is needed.")
    text = _("If you have seen her or know anything, contact %(organisation)s. %(contact)s") % {
        "organisation": case.contact.organisation,
        "contact": contact_text(case),
    }
    return text.strip()


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
