"""Where uploaded files live: a private folder that no web server publishes (settings.PRIVATE_MEDIA_ROOT)."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)
