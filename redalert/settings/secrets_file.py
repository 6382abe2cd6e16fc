"""Keys for the embedded default, generated once per checkout and kept out of git under ./var."""

import secrets
from collections.abc import Callable
from pathlib import Path

from cryptography.fernet import Fernet


def load_or_create_dev_secrets(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip()
    if "SECRET_KEY" in values and "FIELD_ENCRYPTION_KEY" in values and "AUDIT_CHAIN_KEY" in values:
        return values
    # Keep every key already made (losing one makes data unreadable or the audit chain unverifiable); add any missing.
    values = {
        **values,
        "SECRET_KEY": values.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": values.get("FIELD_ENCRYPTION_KEY") or Fernet.generate_key().decode(),
        "AUDIT_CHAIN_KEY": values.get("AUDIT_CHAIN_KEY") or secrets.token_urlsafe(32),  # the audit chain's HMAC
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# Generated for the embedded default. Losing FIELD_ENCRYPTION_KEY makes encrypted fields unreadable;\n"
        "# losing AUDIT_CHAIN_KEY makes the audit chain unverifiable.\n"
        + "".join(f"{k}={v}\n" for k, v in values.items())
    )
    path.chmod(0o600)
    return values


def add_dev_secret(path: Path, name: str, make: Callable[[], str] | None = None) -> str:
    """One more key for the embedded default: read from the file, or made (a Fernet-shaped key: 32 random bytes,
    URL-safe base64) and appended to it; the other keys in the file are kept."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        for line in path.read_text().splitlines():
            if line.startswith(f"{name}="):
                return line.split("=", 1)[1].strip()
    value = make() if make is not None else Fernet.generate_key().decode()
    with path.open("a") as handle:
        handle.write(f"{name}={value}\n")
    path.chmod(0o600)
    return value
