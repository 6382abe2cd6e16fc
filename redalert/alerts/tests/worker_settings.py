"""Settings for worker subprocesses in tests and the benchmark: the test settings with the alerts app, Django's SMTP
backend pointed at EMAIL_HOST/EMAIL_PORT, and the database of DATABASE_URL (a file or a server both processes see)."""

import os

from redalert.settings.test import *  # noqa: F403
from redalert.settings.test import INSTALLED_APPS

if "redalert.alerts" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "redalert.alerts"]
ROOT_URLCONF = "redalert.alerts.tests.worker_urls"
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
OUTBOX_STUCK_SECONDS = int(os.environ.get("OUTBOX_STUCK_SECONDS", "300"))
OUTBOX_RETRY_BASE_SECONDS = int(os.environ.get("OUTBOX_RETRY_BASE_SECONDS", "60"))
OUTBOX_USE_CELERY = os.environ.get("OUTBOX_USE_CELERY", "") == "1"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/10")
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
SITE_URL = "http://alerta.example.org"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
