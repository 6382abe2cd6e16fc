"""Settings for the test suite: fixed keys, fast hashing, a temporary media folder."""

import tempfile
from pathlib import Path

from redalert.settings.base import *  # noqa: F403

DEBUG = False
DEMO_DATA_ALLOWED = True
SECRET_KEY = "test-only-secret-key-not-for-production-0123456789abcdefghijklmnop"  # noqa: S105
# Two keys so that tests exercise rotation: the first encrypts, both decrypt.
FIELD_ENCRYPTION_KEYS = [
    "9gEt3JqM3iHh0gAN7sW8RFNm5Yx1V8m1o4Y9Jk3Wq0s=",
    "n2rJq8a5hWb1gZf0K3mY7tVx4cR6eP9uL2sD5fG8hJk=",
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="redalert-test-media-"))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
WHITENOISE_AUTOREFRESH = True  # serve from the finders; tests never run collectstatic
CHANGES_RAISE_FOLLOWER_ERRORS = True  # a failing change follower fails the test instead of being logged
# --- Audit log (redalert.audit): two fixed chain keys (the first signs, both verify), anchors in a temporary folder.
AUDIT_CHAIN_KEYS = [
    "test-only-audit-chain-key-0123456789abcdefghijklmnop",
    "test-only-older-audit-chain-key-9876543210zyxwvutsrq",
]
AUDIT_ANCHOR_FILE = Path(tempfile.mkdtemp(prefix="redalert-test-anchors-")) / "audit-anchors.jsonl"
# --- Browser and transport hardening: the tests' webhook receivers listen on 127.0.0.1.
WEBHOOK_ALLOW_PRIVATE = True
