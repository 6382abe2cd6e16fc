"""Creating, revoking and recognising API clients.

A token reads `ra_<key id>_<secret>`. The key id finds the client; the secret (256 random bits) is checked
against its HMAC-SHA256 under a key derived from SECRET_KEY (a keyed hash: a slow hash buys nothing for a
random 256-bit secret, and the database alone does not let anyone test guesses). The secret is returned once, by
`create_client`, and never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from redalert.accounts.models import User
from redalert.api.models import ApiClient
from redalert.api.scopes import Scope, roles_for
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction

if TYPE_CHECKING:
    from django.http import HttpRequest

TOKEN_PREFIX = "ra_"  # noqa: S105 (the tokens' fixed prefix, not a secret)
KEY_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def _hash_key() -> bytes:
    return hashlib.sha256(b"redalert.api.client-secret:" + settings.SECRET_KEY.encode("utf-8")).digest()


def hash_secret(secret: str) -> str:
    return hmac.new(_hash_key(), secret.encode("utf-8"), hashlib.sha256).hexdigest()


def parse_networks(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The allow-list, one address or network per line; ValueError names the first line that is neither."""
    networks = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            networks.append(ipaddress.ip_network(line, strict=False))
    return networks


def address_allowed(client: ApiClient, address: str) -> bool:
    if not client.allowed_addresses.strip():
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in parse_networks(client.allowed_addresses))


@dataclass(frozen=True)
class NewClient:
    client: ApiClient
    token: str  # shown once


def create_client(
    *,
    organisation_id: int,
    name: str,
    scopes: list[str],
    expires_at: datetime,
    allowed_addresses: str = "",
    rate_per_minute: int = 120,
    actor: User,
    request: HttpRequest | None = None,
) -> NewClient:
    """A new client for the organisation, with its principal account; the token is in the answer and nowhere else."""
    unknown = set(scopes) - set(Scope.values)
    if unknown:
        raise ValueError(f"Unknown scopes: {sorted(unknown)}")
    parse_networks(allowed_addresses)
    with transaction.atomic():
        key_id = "".join(secrets.choice(KEY_ID_ALPHABET) for _ in range(12))
        secret = secrets.token_urlsafe(32)
        principal = User(
            username=f"api-{key_id}",
            first_name=name[:150],
            last_name="(API)",
            organisation_id=organisation_id,
            is_active=True,
        )
        principal.set_unusable_password()
        principal.save()
        client = ApiClient.objects.create(
            organisation_id=organisation_id,
            name=name,
            key_id=key_id,
            secret_hash=hash_secret(secret),
            scopes=sorted(set(scopes)),
            expires_at=expires_at,
            allowed_addresses=allowed_addresses.strip(),
            rate_per_minute=rate_per_minute,
            principal=principal,
            created_by=actor,
        )
        audit_record(
            actor,
            AuditAction.SECURITY,
            client,
            request=request,
            detail={"api_client": key_id, "created": True, "scopes": client.scopes, "expires": expires_at},
        )
    return NewClient(client, f"{TOKEN_PREFIX}{key_id}_{secret}")


def revoke_client(client: ApiClient, *, actor: User, request: HttpRequest | None = None) -> None:
    """Revoke at once: the next call with its token is refused (the principal is deactivated too)."""
    with transaction.atomic():
        now = timezone.now()
        ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(revoked_at=now, revoked_by=actor)
        User.objects.filter(pk=client.principal_id).update(is_active=False)
        audit_record(
            actor, AuditAction.SECURITY, client, request=request, detail={"api_client": client.key_id, "revoked": True}
        )
    client.refresh_from_db()


def client_for_token(token: str) -> ApiClient | None:
    """The client whose token this is, whatever its state (expired and revoked included); None if none."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    key_id, sep, secret = token[len(TOKEN_PREFIX) :].partition("_")
    if not sep or not secret or len(key_id) > 16:
        return None
    client = ApiClient.objects.select_related("principal", "organisation").filter(key_id=key_id).first()
    if client is None or not hmac.compare_digest(client.secret_hash, hash_secret(secret)):
        return None
    return client


def principal_of(client: ApiClient) -> User:
    """The member account the client acts as, with the roles its scopes stand for (never stored)."""
    user = client.principal
    user.organisation = client.organisation  # the same row, read once
    user._role_cache = roles_for(client.scopes)  # read by User.role_set
    return user
