"""Who wrote: a number in E.164 (phonenumbers) or an e-mail address, and the keyed hash that finds her again.

A number is stored only encrypted; conversations of the same sender are found by `sender_key`, an HMAC-SHA256 of
the normalised value with a key derived from SECRET_KEY (as the investigation's match keys), never by the number.
"""

from __future__ import annotations

import hashlib
import hmac

import phonenumbers
from django.conf import settings


class SenderError(ValueError):
    """The provider sent a sender that is not a phone number or address we can use."""


def e164(raw: str, region: str | None = None) -> str:
    """The number in E.164 (+5215512345678); WhatsApp's "5215512345678" (no plus) and Twilio's "whatsapp:+…" too.

    Raises SenderError for anything phonenumbers does not parse as a possible number."""
    text = (raw or "").strip()
    if text.lower().startswith("whatsapp:"):
        text = text[len("whatsapp:") :]
    if text and text[0].isdigit() and region is None:
        text = "+" + text
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise SenderError("Not a phone number.") from exc
    national = str(number.national_number)
    if number.country_code == 52 and len(national) == 11 and national.startswith("1"):
        # Mexico dropped the mobile "1" after +52 in 2019; WhatsApp still sends some numbers as 521…
        number = phonenumbers.parse("+52" + national[1:])
    if not phonenumbers.is_possible_number(number):
        raise SenderError("Not a possible phone number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def region_of(number: str) -> str:
    """The ISO country of an E.164 number ("" if unknown)."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(number)) or ""
    except phonenumbers.NumberParseException:
        return ""


def _key() -> bytes:
    return hashlib.sha256(b"redalert.conversations.sender-key:" + settings.SECRET_KEY.encode()).digest()


def sender_key(medium: str, normalised: str) -> str:
    """The keyed hash that finds the same sender's conversation (medium: sms, whatsapp, email)."""
    kind = "email" if medium == "email" else "phone"
    return hmac.new(_key(), f"{kind}:{normalised.lower()}".encode(), hashlib.sha256).hexdigest()


def masked(number_or_address: str) -> str:
    """What the inbox list shows: the last digits of a number, the domain of an address."""
    if "@" in number_or_address:
        return "…@" + number_or_address.rpartition("@")[2]
    return "…" + number_or_address[-4:]
