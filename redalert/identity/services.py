"""Sign-in through an organisation's OpenID Connect provider (docs/sign-in.md), with authlib's Django client.

- `provider_for_email`: which organisation's provider a work address belongs to (by its domain).
- `begin`: the redirect to the provider's authorisation endpoint, with state, nonce and a PKCE (S256) verifier kept
  in the session by authlib.
- `finish`: the provider's answer: state checked, code exchanged with the verifier, ID token verified (signature by
  the provider's JWKS, issuer, audience, expiry, nonce), then `match_account` and `asserts_multi_factor`.
- `sign_in`: the Django session, and the second factor marked as done only when the provider asserted multi-factor.

Rules in one sentence each:
- An account is never created at sign-in: only an existing, active member of the provider's organisation whose
  e-mail is the provider's verified e-mail signs in (roles are granted by the organisation's administrators,
  with the separation of duties of redalert.accounts.duties).
- The second factor stays required unless the ID token's `amr` names a second factor (MULTI_FACTOR_AMR) or its
  `acr` is one the administrator listed as multi-factor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import django_otp
import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from joserfc.errors import JoseError

from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.identity.models import IdentityProvider
from redalert.security.events import record_security_event
from redalert.security.models import EventKind

# RFC 8176 authentication method references that name more than a password: "mfa" and "mca" say so outright;
# the others are a possession or inherence factor (one-time code, hardware or software key, SMS or phone
# confirmation, smart card, biometrics), which is what our own second factor (a TOTP code) is.
MULTI_FACTOR_AMR = frozenset(
    {"mfa", "mca", "otp", "hwk", "swk", "sms", "tel", "sc", "fpt", "face", "iris", "retina", "vbm"}
)
PROVIDER_DEVICE_NAME = "identity-provider"
BACKEND = "django.contrib.auth.backends.ModelBackend"
TIMEOUT_SECONDS = 10


class SignInRefused(Exception):
    """The provider's answer does not sign anyone in; the message is for the person, in her language."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.message, self.reason = message, reason


def not_verified_message() -> str:
    return _(
        "The identity provider's answer could not be verified (signature, state or nonce). Nobody was signed in. "
        "Start again from the sign-in page."
    )


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower().rstrip(".")


def provider_for_email(email: str) -> IdentityProvider | None:
    """The enabled provider whose allowed domain is the address's domain (one per domain: the field is unique)."""
    domain = domain_of(email)
    if "@" not in email or not domain:
        return None
    return (
        IdentityProvider.objects.select_related("organisation")
        .filter(email_domain__iexact=domain, enabled=True)
        .first()
    )


def client_for(provider: IdentityProvider) -> DjangoOAuth2App:
    """An authlib client for this provider (discovery document, JWKS, token endpoint), with PKCE S256."""
    registry = OAuth()
    client: DjangoOAuth2App = registry.register(
        name=f"organisation-{provider.organisation_id}",
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=provider.metadata_url,
        client_kwargs={
            "scope": "openid email profile",
            "code_challenge_method": "S256",
            "default_timeout": TIMEOUT_SECONDS,
        },
    )
    return client


def begin(request: HttpRequest, provider: IdentityProvider, redirect_uri: str, email: str) -> HttpResponse:
    """Redirect to the provider; state, nonce and the PKCE verifier stay in this browser's session."""
    extra: dict[str, Any] = {"login_hint": email} if email else {}
    if provider.acr_list:
        extra["acr_values"] = " ".join(provider.acr_list)
    try:
        return client_for(provider).authorize_redirect(request, redirect_uri, **extra)
    except (requests.RequestException, OAuthError, ValueError, KeyError) as exc:
        raise SignInRefused(
            _("The identity provider of your organisation cannot be reached now. Try again later."), "unreachable"
        ) from exc


@dataclass(frozen=True)
class Verified:
    user: User
    multi_factor: bool
    claims: dict[str, Any]


def finish(request: HttpRequest, provider: IdentityProvider) -> Verified:
    """Check the provider's answer and find the account it names. Raises SignInRefused."""
    error = request.GET.get("error")
    if error:
        raise SignInRefused(
            _("The identity provider did not sign you in (it answered “%(error)s”).") % {"error": error[:60]},
            "provider_error",
        )
    try:
        token = client_for(provider).authorize_access_token(request)
    except requests.RequestException as exc:
        raise SignInRefused(
            _("The identity provider of your organisation cannot be reached now. Try again later."), "unreachable"
        ) from exc
    except (OAuthError, JoseError, ValueError, KeyError) as exc:
        raise SignInRefused(
            not_verified_message(),
            "not_verified",
        ) from exc
    claims = dict(token.get("userinfo") or {})
    if not claims:
        raise SignInRefused(
            not_verified_message(),
            "no_id_token",
        )
    if str(claims.get("iss", "")).rstrip("/") != provider.issuer.rstrip("/"):
        raise SignInRefused(
            not_verified_message(),
            "wrong_issuer",
        )
    user = match_account(provider, claims)
    return Verified(user=user, multi_factor=asserts_multi_factor(provider, claims), claims=claims)


def match_account(provider: IdentityProvider, claims: dict[str, Any]) -> User:
    """The one active member of the provider's organisation whose e-mail is the token's verified e-mail."""
    email = str(claims.get("email") or "").strip()
    if not email or claims.get("email_verified") is not True:
        raise SignInRefused(
            _("Your identity provider did not confirm your e-mail address, so no account can be matched."),
            "email_not_verified",
        )
    organisation = provider.organisation
    no_account = _(
        "No account of %(organisation)s has the address %(email)s. Accounts are never created at sign-in: ask an "
        "administrator of your organisation to add you."
    ) % {"organisation": organisation.name, "email": email}
    if domain_of(email) != provider.email_domain.lower():
        raise SignInRefused(no_account, "wrong_domain")
    matches = list(
        User.objects.filter(organisation=organisation, email__iexact=email, is_active=True, api_client__isnull=True)[:2]
    )
    if len(matches) != 1:
        raise SignInRefused(no_account, "no_account" if not matches else "ambiguous")
    return matches[0]


def asserts_multi_factor(provider: IdentityProvider, claims: dict[str, Any]) -> bool:
    """Whether the provider says that the person used more than a password (docs/sign-in.md, "Second factor")."""
    amr = claims.get("amr")
    methods = {str(m).lower() for m in amr} if isinstance(amr, list) else set()
    if methods & MULTI_FACTOR_AMR:
        return True
    acr = claims.get("acr")
    return bool(acr) and str(acr) in provider.acr_list


def provider_device(user: User) -> StaticDevice:
    """The device that stands for "the second factor was checked by the identity provider": confirmed, with no
    codes, so it verifies nothing typed and does not count as an enrolled second factor (two_factor)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=PROVIDER_DEVICE_NAME, defaults={"confirmed": True}
    )
    return device


def sign_in(request: HttpRequest, provider: IdentityProvider, verified: Verified) -> None:
    """Open the session; the second factor is done only if the provider asserted multi-factor."""
    user = verified.user
    login(request, user, backend=BACKEND)
    detail = {"via": "identity_provider", "multi_factor_by_provider": verified.multi_factor}
    if verified.multi_factor:
        django_otp.login(request, provider_device(user))
        detail["factor"] = "identity_provider"
    audit_record(user, AuditAction.LOGIN, request=request, detail=detail)


def refused(request: HttpRequest, provider: IdentityProvider | None, exc: SignInRefused, email: str = "") -> None:
    """A refused sign-in is a security event of the organisation (never with the token's content)."""
    record_security_event(
        EventKind.LOGIN_FAILED,
        username=email[:150],
        organisation_id=provider.organisation_id if provider else None,
        request=request,
        detail={"via": "identity_provider", "reason": exc.reason},
    )
