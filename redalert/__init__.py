"""The Red Alert System. Importing the Celery app here lets @shared_task find it in workers and web processes."""

from redalert.celery import app as celery_app

__all__ = ("celery_app",)
