"""Configuration: defaults, then environment variables (DESIGN §5), then an explicit mapping."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Environment variable -> (config key, converter)
_ENV: dict[str, tuple[str, Any]] = {
    "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "UPLOAD_DIR": ("UPLOAD_DIR", str),
    "SEARCH_BACKEND": ("SEARCH_BACKEND", str),
    "INDEX_DIR": ("INDEX_DIR", str),
    "OCR_QUEUE": ("OCR_QUEUE", str),
    "CELERY_BROKER_URL": ("CELERY_BROKER_URL", str),
    "OCR_WORKERS": ("OCR_WORKERS", int),
    "OCR_LANG": ("OCR_LANG", str),
    "OCR_TIMEOUT_S": ("OCR_TIMEOUT_S", float),
    "OCR_MAX_ATTEMPTS": ("OCR_MAX_ATTEMPTS", int),
    "OCR_LEASE_S": ("OCR_LEASE_S", float),
    "CLAIM_RATED_THRESHOLD": ("CLAIM_RATED_THRESHOLD", int),
    "MAX_UPLOAD_MB": ("MAX_UPLOAD_MB", float),
    "SECRET_KEY": ("SECRET_KEY", str),
    "RATELIMIT_STORAGE_URI": ("RATELIMIT_STORAGE_URI", str),
    "MAIL_SERVER": ("MAIL_SERVER", str),
    "LOG_LEVEL": ("LOG_LEVEL", str),
    "CONTACT_EMAIL": ("CONTACT_EMAIL", str),
}


def defaults(instance_path: Path) -> dict[str, Any]:
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance_path / 'straight-choice.sqlite3'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "UPLOAD_DIR": str(PROJECT_ROOT / "uploads"),
        "SEARCH_BACKEND": "whoosh",
        "INDEX_DIR": str(instance_path / "index"),
        "OCR_QUEUE": "local",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "OCR_WORKERS": 1,
        "OCR_LANG": "eng",
        "OCR_TIMEOUT_S": 120.0,
        "OCR_MAX_ATTEMPTS": 3,
        "OCR_LEASE_S": 300.0,
        "OCR_START_WORKERS": True,
        "MAX_UPLOAD_MB": 50.0,
        "MAX_IMAGES": 20,
        "MAX_IMAGE_PIXELS": 64_000_000,
        "MASTER_LONG_EDGE": 5000,
        "DISPLAY_LONG_EDGE": 1600,
        "THUMB_LONG_EDGE": 400,
        "MAX_FORM_PARTS": 200,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_ENABLED": True,
        "UPLOAD_RATE_LIMIT": "60 per hour",
        "LOGIN_RATE_LIMIT": "10 per minute",
        "CLAIM_RATED_THRESHOLD": 3,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "LOG_LEVEL": "INFO",
        "PAGE_SIZE": 24,
        "CONTACT_EMAIL": "",  # voters: where /privacy sends removal requests (unset: the report button)
    }


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, (key, convert) in _ENV.items():
        value = environ.get(name)
        if value not in (None, ""):
            try:
                found[key] = convert(value)
            except ValueError:
                # fail at start-up with the variable's name, not deep inside a worker
                raise ValueError(f"{name}={value!r} is not a valid {convert.__name__}") from None
    return found


def load_or_create_secret_key(instance_path: Path) -> str:
    """Keep a generated key in instance/ so sessions survive restarts without configuration."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    tmp = key_file.with_suffix(".tmp")
    tmp.write_text(key)
    tmp.chmod(0o600)
    tmp.replace(key_file)
    return key


def build(instance_path: Path, overrides: Mapping[str, Any] | None, environ: Mapping[str, str]) -> dict[str, Any]:
    config = defaults(instance_path)
    config.update(from_environment(environ))
    config.update(overrides or {})
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql://"):
        # psycopg 3 is the driver we ship.
        config["SQLALCHEMY_DATABASE_URI"] = config["SQLALCHEMY_DATABASE_URI"].replace(
            "postgresql://", "postgresql+psycopg://", 1)
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = load_or_create_secret_key(instance_path)
    config["MAX_CONTENT_LENGTH"] = int(config["MAX_UPLOAD_MB"] * 1024 * 1024)
    config["MAX_FORM_PARTS"] = config["MAX_FORM_PARTS"]
    config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    return config
