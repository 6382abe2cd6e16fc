"""The embedded default: SQLite under ./var, keys kept in ./var/secrets.env (made by `make run`)."""

from redalert.settings.base import *  # noqa: F403
from redalert.settings.base import AUDIT_CHAIN_KEYS, FIELD_ENCRYPTION_KEYS, SECRET_KEY, VAR_DIR
from redalert.settings.secrets_file import load_or_create_dev_secrets

DEBUG = True
DEMO_DATA_ALLOWED = True
_dev = load_or_create_dev_secrets(VAR_DIR / "secrets.env")
SECRET_KEY = SECRET_KEY or _dev["SECRET_KEY"]
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [_dev["FIELD_ENCRYPTION_KEY"]]
AUDIT_CHAIN_KEYS = AUDIT_CHAIN_KEYS or [_dev["AUDIT_CHAIN_KEY"]]  # the audit chain's HMAC key (redalert.audit)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Backups (redalert.backups): their own key, apart from the field keys; from BACKUP_KEY, else ./var/secrets.env.
from redalert.settings.env import env_str  # noqa: E402
from redalert.settings.secrets_file import add_dev_secret  # noqa: E402

BACKUP_KEY = env_str("BACKUP_KEY", "") or add_dev_secret(VAR_DIR / "secrets.env", "BACKUP_KEY")
