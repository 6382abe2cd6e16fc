"""Production: every secret from the environment, HTTPS everywhere, PostgreSQL expected."""

from django.core.exceptions import ImproperlyConfigured

from redalert.settings.base import *  # noqa: F403
from redalert.settings.base import AUDIT_CHAIN_KEYS, FIELD_ENCRYPTION_KEYS, SECRET_KEY
from redalert.settings.env import env_bool, env_int, env_list

DEBUG = False
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to at least 50 random characters.")
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must hold at least one Fernet key.")
# The audit chain's HMAC keys (redalert.audit, docs/security.md): never stored in the database.
if not AUDIT_CHAIN_KEYS or any(len(key) < 32 for key in AUDIT_CHAIN_KEYS):
    raise ImproperlyConfigured("AUDIT_CHAIN_KEYS must hold at least one key of at least 32 random characters.")

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # off only behind a proxy that redirects itself
# Prometheus scrapes gunicorn itself on 127.0.0.1:8000 over plain http (docs/deploy.md, "Metrics"): a redirect to
# https there would answer every scrape with 301. /metrics answers only METRICS_ALLOWED_NETWORKS with the token.
SECURE_REDIRECT_EXEMPT = [r"^metrics$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Browser and transport hardening (issue 13; see docs/security.md) ---------------------------------------------
# __Host- cookies: sent only over HTTPS, only to this host, for the whole site; no subdomain can set or read them.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
WEBHOOK_REQUIRE_HTTPS = True
# Outgoing mail travels encrypted: STARTTLS (EMAIL_USE_TLS) or implicit TLS (EMAIL_USE_SSL). A relay on the same
# machine or a private network may be allowed explicitly with EMAIL_ALLOW_PLAINTEXT_RELAY=true.
_email_tls = env_bool("EMAIL_USE_TLS", False) or env_bool("EMAIL_USE_SSL", False)
if not _email_tls and not env_bool("EMAIL_ALLOW_PLAINTEXT_RELAY", False):
    raise ImproperlyConfigured(
        "Outgoing mail must use TLS in production: set EMAIL_USE_TLS=true (STARTTLS) or EMAIL_USE_SSL=true, or "
        "EMAIL_ALLOW_PLAINTEXT_RELAY=true for a relay on this machine."
    )
# --- end of browser and transport hardening ------------------------------------------------------------------------
