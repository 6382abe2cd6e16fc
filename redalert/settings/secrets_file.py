"""Keys for the embedded default, generated once per checkout and kept out of git under ./var."""

import secrets
from pathlib import Path

from cryptography.fernet import Fernet


def load_or_create_dev_secrets(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip()
    if "SECRET_KEY" in values and "FIELD_ENCRYPTION_KEY" in values:
        return values
    values = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# Generated for the embedded default. Losing FIELD_ENCRYPTION_KEY makes encrypted fields unreadable.\n"
        + "".join(f"{k}={v}\n" for k, v in values.items())
    )
    path.chmod(0o600)
    return values
