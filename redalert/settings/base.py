"""Settings shared by every environment.

Everything that differs between machines comes from the environment: see docs/operations.md.
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from redalert.settings.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("REDALERT_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "redalert.changes",
    "redalert.accounts",
    "redalert.security",  # throttling beyond axes, security events and their digest (issue 13)
    "redalert.access",
    "redalert.audit",
    "redalert.places",
    "redalert.cases",
    "redalert.consent",
    "redalert.public",
    "redalert.outbox",
    "redalert.alerts",
    "redalert.tips",
    "redalert.investigation",
    "redalert.matching",  # possible duplicates at intake, forgiving public search (issue 15)
    "redalert.tasks",
    "redalert.legal",
    "redalert.care",
    "redalert.shelters",
    "redalert.imports",
    "redalert.found",  # the register of people found and its pairs with missing cases (issue 15)
    "redalert.statistics",
    "redalert.opendata",
    "ninja",  # django-ninja: its self-hosted API reference assets (issue 16, docs/api.md)
    "redalert.api",  # the REST API and its clients (issue 16)
    "redalert.webhooks",  # webhooks on case events, delivered through the outbox (issue 16)
    "redalert.pfif",  # PFIF 1.4 export of published cases, import into a review area (issue 16)
    "redalert.identity",  # sign-in through the organisation's OpenID Connect provider (issue 16 part 6)
    "redalert.transfers",  # transfers and referrals between member organisations, with access (issue 16)
    "redalert.maps",
    "redalert.duplicates",  # the review queue of possible duplicates, merge and undo (issue 15)
    "redalert.coalition",  # matching across the coalition without sharing names (issue 15)
    "redalert.prevention",
    "redalert.hotline",  # the hotline desk and its statistics (issue 18)
    "redalert.conversations",  # SMS, WhatsApp and e-mail into a conversation inbox (issue 18)
    "redalert.retention",  # retention periods and erasure (issue 13)
    "redalert.demo",
    "redalert.backups",  # backup and restore commands (issue 13); no models
    "redalert.metrics",  # the Prometheus endpoint /metrics, never public (issue 19)
]

MIDDLEWARE = [
    # Prometheus (issue 19): request latency by view; the first and the last middleware, to time everything.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Browser hardening (issue 13): CSP, Permissions-Policy, no-store on staff responses.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "redalert.accounts.hardening.NoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "redalert.accounts.hardening.AbsoluteSessionMiddleware",  # issue 13: a session ends 12 h after sign-in
    "redalert.accounts.middleware.StaffTwoFactorMiddleware",
    # Figures and amounts written as the member's organisation's country writes them (redalert.lib.numbers).
    "redalert.lib.numbers.NumbersByCountryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A merged case's staff links (and public page, if allowed) lead to the case that remained (issue 15).
    "redalert.duplicates.middleware.MergedCaseRedirectMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "redalert.urls"
WSGI_APPLICATION = "redalert.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "redalert" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "redalert.access.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'redalert.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; a busy timeout avoids spurious "locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A read replica (issue 19, docs/operations.md "Read replica"): a streaming standby of the primary. The yearly report,
# maps, exports, regional indicators and API lists read it inside redalert.lib.replica.reading_from_replica();
# consent, the public gate's versions, writes and migrations always use the primary. Unset: everything as before.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60)
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests never create a database on a standby
DATABASE_ROUTERS = ["redalert.lib.replica.ReplicaRouter"]  # without a replica, it sends everything to "default"
# How long a replica read waits for the replica to replay what the primary committed before it asked; after that
# it reads the primary (a fallback, counted in the metrics).
DATABASE_REPLICA_WAIT_SECONDS = float(env_str("DATABASE_REPLICA_WAIT_SECONDS", "2"))
# The Prometheus endpoint /metrics (redalert.metrics, docs/operations.md "Metrics") answers only clients whose address
# is in this list of addresses or networks, and, if METRICS_TOKEN is set, that send "Authorization: Bearer <token>".
# Empty by default: nobody.
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", [])
METRICS_TOKEN = env_str("METRICS_TOKEN", "")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after 30 idle minutes (every request pushes the expiry forward) and with the browser.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Lockout: five failures for one username from one address lock it for an hour.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# accounts (separation of duties): a temporary password handed out by an administrator expires after this many
# hours, and must be changed at the first sign-in.
TEMPORARY_PASSWORD_HOURS = env_int("TEMPORARY_PASSWORD_HOURS", 72)

OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Alerta Roja")

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English")), ("pt", _("Portuguese"))]
LOCALE_PATHS = [BASE_DIR / "redalert" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "America/Mexico_City")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "redalert" / "static"]

# Uploaded files (case photos) live outside any folder the web server publishes; staff views stream them
# after a permission check.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 10 * 1024 * 1024)
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_MAX_SIDE = 2000
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# The public site: how many days a located woman's photo stays on her "located" page. 0 (the default): it goes
# the day she is located — she may be in danger from the people she escaped (docs/public-site.md, "Once located").
LOCATED_PHOTO_DAYS = env_int("LOCATED_PHOTO_DAYS", 0)
PUBLIC_PAGE_SIZE = 24

# The shared cache in front of the public site (docs/public-site.md, "The shared cache"). EDGE_PURGER empty (the
# default): nothing purges a shared cache, so the public pages stay `private, no-cache`. "varnish", "cloudflare" or
# "fastly": list and case pages, images, bulletins, the feed and CAP say `public, s-maxage=EDGE_CACHE_SECONDS` with
# surrogate keys, and every change of what the public sees is purged through that purger (redalert.public.purging).
EDGE_PURGER = env_str("EDGE_PURGER", "")
EDGE_CACHE_SECONDS = env_int("EDGE_CACHE_SECONDS", 600)  # s-maxage: how long the shared cache keeps a copy
EDGE_STALE_SECONDS = env_int("EDGE_STALE_SECONDS", 30)  # stale-while-revalidate
EDGE_BROWSER_SECONDS = env_int("EDGE_BROWSER_SECONDS", 0)  # max-age: browsers are never purged, keep it short
EDGE_PURGE_REPEAT_SECONDS = env_int("EDGE_PURGE_REPEAT_SECONDS", 5)  # a second purge catches a page drawn meanwhile
EDGE_PURGE_TIMEOUT_SECONDS = env_int("EDGE_PURGE_TIMEOUT_SECONDS", 3)
EDGE_VARNISH_URLS = env_list("EDGE_VARNISH_URLS", ["http://127.0.0.1:6091/"])  # each Varnish's purge listener
EDGE_CLOUDFLARE_ZONE_ID = env_str("EDGE_CLOUDFLARE_ZONE_ID", "")
EDGE_CLOUDFLARE_API_TOKEN = env_str("EDGE_CLOUDFLARE_API_TOKEN", "")
EDGE_CLOUDFLARE_API_URL = env_str("EDGE_CLOUDFLARE_API_URL", "https://api.cloudflare.com/client/v4")
EDGE_FASTLY_SERVICE_ID = env_str("EDGE_FASTLY_SERVICE_ID", "")
EDGE_FASTLY_API_TOKEN = env_str("EDGE_FASTLY_API_TOKEN", "")
EDGE_FASTLY_API_URL = env_str("EDGE_FASTLY_API_URL", "https://api.fastly.com")

# Field encryption keys: a comma-separated list of Fernet keys, newest first. See docs/operations.md.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])

# Demo data creates accounts with a published password: only where explicitly allowed (dev and tests do).
DEMO_DATA_ALLOWED = env_bool("ALLOW_DEMO_DATA", False)

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # implicit TLS (port 465); production requires one of the two
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "alerta-roja@localhost")

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Work that leaves the request (mail, alerts) goes through the outbox tables; Celery workers on Redis drain them
# in production, `manage.py run_worker` does the same without Redis (the embedded default).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Tiles of the base map under staff maps; the data layers work without it.
# Empty by default (issue 13): a third-party tile server would learn which places staff look at.
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
# The public tip form's map: empty by default, because a third-party tile server would learn where each tipster
# looked. Set it only to a tile server the organisation runs.
PUBLIC_MAP_TILE_URL = env_str("PUBLIC_MAP_TILE_URL", "")
# A cache shared by every web process (Redis) keeps the public pages fast under several workers and makes the
# public forms' rate limits count across them; without it each process keeps its own (the embedded default).
CACHE_REDIS_URL = env_str("CACHE_REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_REDIS_URL}
        if CACHE_REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
OUTBOX_USE_CELERY = env_bool("OUTBOX_USE_CELERY", False)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 6)
OUTBOX_RETRY_BASE_SECONDS = 60
OUTBOX_RETRY_MAX_SECONDS = 3600
OUTBOX_STUCK_SECONDS = 300
OUTBOX_BEAT_SECONDS = 5
TIPS_PER_HOUR = env_int("TIPS_PER_HOUR", 5)
# The Red Alert: reminders to authorities that have not acknowledged (Protocolo Alba: 24 h, then 72 h).
ALERT_ESCALATION_HOURS = [int(h) for h in env_list("ALERT_ESCALATION_HOURS", ["24", "72"])]
ALERT_ACK_LINK_DAYS = env_int("ALERT_ACK_LINK_DAYS", 30)
ALERT_ESCALATION_CHECK_SECONDS = 300
OUTBOX_WEBHOOK_TIMEOUT_SECONDS = env_int("OUTBOX_WEBHOOK_TIMEOUT_SECONDS", 10)
OUTBOX_CELERY_FANOUT = 4

# --- Tamper-evident audit log (redalert.audit; see docs/security.md) ---
# Keys of the audit chain's HMAC: comma-separated random strings (at least 32 characters each), newest first; the
# first signs new entries, all verify. Kept out of the database, like FIELD_ENCRYPTION_KEYS.
AUDIT_CHAIN_KEYS = env_list("AUDIT_CHAIN_KEYS", [])
# Where `anchor_audit_chain` appends the chain's head (make the file append-only, or put it on another machine).
AUDIT_ANCHOR_FILE = Path(env_str("AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchors.jsonl")))
# Addresses that receive each anchor by e-mail through the outbox (none: file only).
AUDIT_ANCHOR_EMAILS = env_list("AUDIT_ANCHOR_EMAILS", [])
AUDIT_ANCHOR_SECONDS = env_int("AUDIT_ANCHOR_SECONDS", 3600)
# Refused acknowledgement links: counted per link and per address in windows; an address is refused (429) after
# ALERT_ACK_REFUSALS_PER_WINDOW refusals in one window.
ALERT_ACK_REFUSAL_WINDOW_SECONDS = env_int("ALERT_ACK_REFUSAL_WINDOW_SECONDS", 600)
ALERT_ACK_REFUSALS_PER_WINDOW = env_int("ALERT_ACK_REFUSALS_PER_WINDOW", 20)
# --- end of the audit log block ---

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# The staff search's covering index (investigation.MatchKey) includes non-key columns on PostgreSQL; SQLite builds
# it without them, which is fine for the embedded default.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Browser and transport hardening (issue 13; see docs/security.md) ---------------------------------------------
# A session ends this long after the sign-in, however busy (besides the idle timeout above).
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 3600)


def _tile_origins(*templates: str) -> list[str]:
    """The origins of configured tile servers ("{s}" subdomains become a wildcard), for the CSP's img-src."""
    from urllib.parse import urlsplit

    origins = []
    for template in templates:
        parts = urlsplit(template.replace("{s}", "*"))
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return sorted(set(origins))


# Content-Security-Policy (django-csp): scripts and styles only from our own static files, no inline code, no
# frames, forms post only here. Images may also be data: URIs (the second-factor QR code) and map tiles from the
# configured tile servers.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_tile_origins(MAP_TILE_URL, PUBLIC_MAP_TILE_URL)],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy (django-permissions-policy): no page uses the camera, microphone, location or payment APIs
# (the tip form's map takes a tap, not the device's position; photos are chosen as files).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}
# Webhooks to authorities: refuse private, loopback, link-local, multicast and reserved addresses (checked at send
# time, connecting to the checked address); tests and the embedded default allow them for local receivers.
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", False)
WEBHOOK_REQUIRE_HTTPS = env_bool("WEBHOOK_REQUIRE_HTTPS", False)  # production sets True
# The public tip form: photos above this many pixels are refused before they are decoded; every attempt (stored
# or refused) counts against TIP_ATTEMPTS_PER_HOUR.
TIP_PHOTO_MAX_PIXELS = env_int("TIP_PHOTO_MAX_PIXELS", 24_000_000)
TIP_ATTEMPTS_PER_HOUR = env_int("TIP_ATTEMPTS_PER_HOUR", 20)
# --- end of browser and transport hardening ------------------------------------------------------------------------

# --- Backups (redalert.backups; see docs/security.md) ---
# The key that encrypts backup files: 32 random bytes in URL-safe base64 (`manage.py backup --generate-key`). Keep it
# apart from FIELD_ENCRYPTION_KEYS and from the backups themselves; `backup` refuses to run without it.
BACKUP_KEY = env_str("BACKUP_KEY", "")
# --- end of the backups block ---

# Coalition matching (issue 15, docs/coalition-matching.md): the key the member organisations share to encode their
# cases (never stored in the database; without it the feature is off), and the Dice coefficient from which a pair
# of encodings is proposed to both coordinators.
COALITION_LINKAGE_KEY = env_str("COALITION_LINKAGE_KEY", "")
COALITION_MATCH_THRESHOLD = float(env_str("COALITION_MATCH_THRESHOLD", "0.78"))
