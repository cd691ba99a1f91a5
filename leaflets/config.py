"""Configuration: defaults, then environment variables (DESIGN §5), then an explicit mapping."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any, Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def boolean(value: str) -> bool:
    """An on/off setting: 1/true/yes/on or 0/false/no/off."""
    lowered = value.strip().lower()
    if lowered not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        raise ValueError(value)
    return lowered in ("1", "true", "yes", "on")


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
    # findings: the mail sender, alerts and the /stats minimum
    "MAIL_PORT": ("MAIL_PORT", int),
    "MAIL_USE_TLS": ("MAIL_USE_TLS", boolean),
    "MAIL_USERNAME": ("MAIL_USERNAME", str),
    "MAIL_PASSWORD": ("MAIL_PASSWORD", str),
    "MAIL_DEFAULT_SENDER": ("MAIL_DEFAULT_SENDER", str),
    "SITE_URL": ("SITE_URL", str),
    "ALERT_RATE_LIMIT": ("ALERT_RATE_LIMIT", str),
    "STATS_MIN_RATED_CLAIMS": ("STATS_MIN_RATED_CLAIMS", int),
    "STATS_COUNTS_TTL_S": ("STATS_COUNTS_TTL_S", float),
    "LOG_LEVEL": ("LOG_LEVEL", str),
    # hardening (issue 13): proxies, rate limits, HTTPS, cache policy, decode bounds; see docs/security.md
    "TRUSTED_PROXIES": ("TRUSTED_PROXIES", int),
    "PREFERRED_URL_SCHEME": ("PREFERRED_URL_SCHEME", str),
    "HSTS_MAX_AGE_S": ("HSTS_MAX_AGE_S", int),
    "RATELIMIT_ENABLED": ("RATELIMIT_ENABLED", boolean),
    "RATELIMIT_KEY_PREFIX": ("RATELIMIT_KEY_PREFIX", str),
    "RATELIMIT_UPLOAD": ("UPLOAD_RATE_LIMIT", str),
    "RATELIMIT_LOGIN": ("LOGIN_RATE_LIMIT", str),
    "RATELIMIT_LOGIN_ACCOUNT": ("LOGIN_ACCOUNT_RATE_LIMIT", str),
    "RATELIMIT_FLAG": ("FLAG_RATE_LIMIT", str),
    "IMAGE_MAX_AGE_S": ("IMAGE_MAX_AGE_S", int),
    "MAX_CONCURRENT_DECODES": ("MAX_CONCURRENT_DECODES", int),
    "DECODE_WAIT_S": ("DECODE_WAIT_S", float),
    "CONTACT_EMAIL": ("CONTACT_EMAIL", str),
    # house (issue 14): every setting has its environment name here and its default in defaults()
    "OCR_BACKOFF_S": ("OCR_BACKOFF_S", float),
    "OCR_BACKOFF_MAX_S": ("OCR_BACKOFF_MAX_S", float),
    "OCR_POLL_S": ("OCR_POLL_S", float),
    "OCR_TESSERACT_CMD": ("OCR_TESSERACT_CMD", str),
    "OCR_CELERY_QUEUE": ("OCR_CELERY_QUEUE", str),
    "OCR_TIMEOUT_BASE_S": ("OCR_TIMEOUT_BASE_S", float),
    "OCR_TIMEOUT_PER_MPX_S": ("OCR_TIMEOUT_PER_MPX_S", float),
    "OCR_START_WORKERS": ("OCR_START_WORKERS", boolean),
    "MAIL_TIMEOUT_S": ("MAIL_TIMEOUT_S", float),
    "ALERT_SETTLE_MINUTES": ("ALERT_SETTLE_MINUTES", int),
    "PASSWORD_RESET_MAX_AGE_S": ("PASSWORD_RESET_MAX_AGE_S", int),
    "PAGE_SIZE": ("PAGE_SIZE", int),
    "MAX_IMAGES": ("MAX_IMAGES", int),
    "MAX_IMAGE_PIXELS": ("MAX_IMAGE_PIXELS", int),
    "MAX_URL_LENGTH": ("MAX_URL_LENGTH", int),
    # scale (issue 13): images on S3-compatible object storage (docs/deploy.md); AWS_* variables also work
    "STORAGE": ("STORAGE", str),
    "S3_BUCKET": ("S3_BUCKET", str),
    "S3_PREFIX": ("S3_PREFIX", str),
    "S3_ENDPOINT_URL": ("S3_ENDPOINT_URL", str),
    "S3_PUBLIC_ENDPOINT_URL": ("S3_PUBLIC_ENDPOINT_URL", str),
    "S3_REGION": ("S3_REGION", str),
    "S3_ACCESS_KEY_ID": ("S3_ACCESS_KEY_ID", str),
    "S3_SECRET_ACCESS_KEY": ("S3_SECRET_ACCESS_KEY", str),
    "HEALTH_MAX_QUEUE": ("HEALTH_MAX_QUEUE", int),
    "PENDING_UPLOAD_HOURS": ("PENDING_UPLOAD_HOURS", float),  # neardup: docs/near-duplicates.md
    # load (issue 13): where photo variants are made (docs/running.md)
    "IMAGE_VARIANTS": ("IMAGE_VARIANTS", str),
    "VARIANT_POLL_S": ("VARIANT_POLL_S", float),
    "COMPARE_REFRESH_S": ("COMPARE_REFRESH_S", float),
}
# Config keys holding a rate limit ("10 per minute; 100 per day"), checked at start-up.
RATE_LIMIT_KEYS = {
    "UPLOAD_RATE_LIMIT": "RATELIMIT_UPLOAD",
    "LOGIN_RATE_LIMIT": "RATELIMIT_LOGIN",
    "LOGIN_ACCOUNT_RATE_LIMIT": "RATELIMIT_LOGIN_ACCOUNT",
    "FLAG_RATE_LIMIT": "RATELIMIT_FLAG",
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
        "OCR_TIMEOUT_S": 60.0,
        "OCR_MAX_ATTEMPTS": 3,
        "OCR_LEASE_S": 300.0,
        "OCR_START_WORKERS": True,
        "OCR_BACKOFF_S": 30.0,  # first retry delay; doubles with each attempt
        "OCR_BACKOFF_MAX_S": 3600.0,  # ceiling of the retry delay
        "OCR_POLL_S": 15.0,  # longest an idle worker sleeps before looking again (expired leases)
        "OCR_TESSERACT_CMD": None,  # Tesseract executable; None means `tesseract` on PATH
        "OCR_CELERY_QUEUE": "ocr",  # Celery queue name the tasks are sent to
        "OCR_TIMEOUT_BASE_S": 15.0,  # an image's OCR time budget: this, plus
        "OCR_TIMEOUT_PER_MPX_S": 8.0,  # this per megapixel read; OCR_TIMEOUT_S caps the sum
        "MAX_UPLOAD_MB": 50.0,
        "MAX_IMAGES": 20,
        "MAX_IMAGE_PIXELS": 64_000_000,
        "MASTER_LONG_EDGE": 5000,
        "DISPLAY_LONG_EDGE": 1600,
        "THUMB_LONG_EDGE": 400,
        "MAX_FORM_PARTS": 200,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": "",
        "UPLOAD_RATE_LIMIT": "60 per hour",
        "LOGIN_RATE_LIMIT": "10 per minute",
        "LOGIN_ACCOUNT_RATE_LIMIT": "10 per 15 minutes",  # failed logins per account, from any address
        "FLAG_RATE_LIMIT": "20 per hour",
        "TRUSTED_PROXIES": 0,
        "PREFERRED_URL_SCHEME": "http",
        "HSTS_MAX_AGE_S": 31_536_000,
        "IMAGE_MAX_AGE_S": 3600,
        "MAX_CONCURRENT_DECODES": 2,
        "DECODE_WAIT_S": 30.0,
        "CLAIM_RATED_THRESHOLD": 3,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "LOG_LEVEL": "INFO",
        "PAGE_SIZE": 24,
        "PASSWORD_RESET_MAX_AGE_S": 3600,  # how long a password-reset link works
        # findings: mail (no MAIL_SERVER: alerts are off), links in mails, alert limits, /stats minimum
        "MAIL_SERVER": None,
        "MAIL_PORT": 25,
        "MAIL_USE_TLS": False,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_DEFAULT_SENDER": "Straight Choice <alerts@straightchoice.invalid>",
        "MAIL_TIMEOUT_S": 10.0,
        "SECRET_KEY": None,  # generated and kept in instance/ when unset (build())
        "SITE_URL": "http://127.0.0.1:5000",
        "ALERT_RATE_LIMIT": "5 per hour",
        "ALERT_SETTLE_MINUTES": 30,
        "STATS_MIN_RATED_CLAIMS": 10,
        "STATS_COUNTS_TTL_S": 60.0,  # the archive counts on /stats are recounted in the background this often
        "MAX_URL_LENGTH": 4096,  # longer addresses get the site's 414 page (gunicorn.conf.py lets them in)
        "CONTACT_EMAIL": "",  # voters: where /privacy sends removal requests (unset: the report button)
        "STORAGE": "local",  # scale: "local" (UPLOAD_DIR) or "s3" (S3_BUCKET, S3_ENDPOINT_URL, ...)
        "S3_BUCKET": "",  # scale: the bucket, with STORAGE=s3
        "S3_PREFIX": "",  # a key prefix inside the bucket
        "S3_ENDPOINT_URL": "",  # unset: AWS S3; set for MinIO and other S3-compatible stores
        "S3_PUBLIC_ENDPOINT_URL": "",  # where browsers reach the store, when it differs (signed URLs)
        "S3_REGION": "",
        "S3_ACCESS_KEY_ID": "",  # unset: boto3's own chain (AWS_* variables, instance roles)
        "S3_SECRET_ACCESS_KEY": "",
        "HEALTH_MAX_QUEUE": 10_000,  # scale: /healthz answers 503 when more photos than this wait for OCR
        "PENDING_UPLOAD_HOURS": 24.0,  # neardup: how long an uploader is asked "is this the same leaflet?"
        # load: "background" (worker threads or `flask ocr work` make a photo's variants after the upload is
        # answered) or "inline" (the request makes them before it answers)
        "IMAGE_VARIANTS": "background",
        "VARIANT_LEASE_S": 120.0,  # a variant job whose worker died is taken over after this
        "VARIANT_POLL_S": 1.0,  # longest an idle variant worker sleeps before looking again
        # with background variants, how often a worker makes compare's rows for the leaflets uploaded since
        "COMPARE_REFRESH_S": 5.0,
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


def build(
    instance_path: Path, overrides: Mapping[str, Any] | None, environ: Mapping[str, str]
) -> dict[str, Any]:
    config = defaults(instance_path)
    config.update(from_environment(environ))
    config.update(overrides or {})
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql://"):
        # psycopg 3 is the driver we ship.
        config["SQLALCHEMY_DATABASE_URI"] = config["SQLALCHEMY_DATABASE_URI"].replace(
            "postgresql://", "postgresql+psycopg://", 1
        )
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = load_or_create_secret_key(instance_path)
    config["MAX_CONTENT_LENGTH"] = int(config["MAX_UPLOAD_MB"] * 1024 * 1024)
    _check_rate_limits(config)
    if config["IMAGE_VARIANTS"] not in ("background", "inline"):
        raise ValueError(f"IMAGE_VARIANTS={config['IMAGE_VARIANTS']!r} must be 'background' or 'inline'")
    if config["PREFERRED_URL_SCHEME"] == "https":
        # Served over HTTPS: cookies never travel in clear (security.py adds HSTS).
        config.setdefault("SESSION_COOKIE_SECURE", True)
        config.setdefault("REMEMBER_COOKIE_SECURE", True)
    return config


def _check_rate_limits(config: dict[str, Any]) -> None:
    """Fail at start-up with the variable's name, not with a 500 on the first login."""
    from limits import parse_many

    for key, variable in RATE_LIMIT_KEYS.items():
        try:
            parse_many(str(config[key]))
        except ValueError:
            raise ValueError(f"{variable}={config[key]!r} is not a rate limit like '10 per minute'") from None
