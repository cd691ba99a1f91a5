"""Signed password-reset tokens and API bearer tokens (only their sha256 is stored)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

RESET_SALT = "password-reset"


def _password_fingerprint(password_hash: str) -> str:
    """A short digest of the current hash: changing the password invalidates every older token."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:20]


def make_reset_token(secret_key: str, user_id: int, password_hash: str) -> str:
    serializer = URLSafeTimedSerializer(secret_key, salt=RESET_SALT)
    return serializer.dumps({"u": user_id, "h": _password_fingerprint(password_hash)})


def read_reset_token(secret_key: str, token: str, max_age_s: int) -> tuple[int, str] | None:
    """(user id, fingerprint) for a good, unexpired token, else None."""
    serializer = URLSafeTimedSerializer(secret_key, salt=RESET_SALT)
    try:
        payload = serializer.loads(token, max_age=max_age_s)
    except (SignatureExpired, BadSignature):
        return None
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("u"), int)
        or not isinstance(payload.get("h"), str)
    ):
        return None
    return payload["u"], payload["h"]


def fingerprint_matches(password_hash: str, fingerprint: str) -> bool:
    return hmac.compare_digest(_password_fingerprint(password_hash), fingerprint)


def new_api_token() -> str:
    return secrets.token_urlsafe(32)


def api_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
