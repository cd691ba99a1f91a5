"""Accounts: registration, login checks, password reset, API tokens."""

from __future__ import annotations

import logging
import re
from typing import Any, Callable, Mapping

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from leaflets.extensions import db
from leaflets.models import Role, User
from leaflets.services import mailer, tokens
from leaflets.services.errors import Conflict, NotFound, ValidationFailed

log = logging.getLogger(__name__)

MIN_PASSWORD = 10
MAX_PASSWORD = 200
LOGIN_FAILED = "That email and password do not match an account."
_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[^@\s<>\"']+\.[^@\s<>\"']{2,}$")
# Checked against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def _check_password_rules(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise ValidationFailed(f"Use a password of at least {MIN_PASSWORD} characters.", field="password")
    if len(password) > MAX_PASSWORD:
        raise ValidationFailed(f"Use a password of at most {MAX_PASSWORD} characters.", field="password")


def _check_details(email: str, display_name: str, role: str) -> None:
    if not _EMAIL.match(email) or len(email) > 254:
        raise ValidationFailed("Enter an email address like name@example.org.", field="email")
    if not display_name or len(display_name) > 80:
        raise ValidationFailed("Enter a display name of 1 to 80 characters.", field="display_name")
    if role not in {r.value for r in Role}:
        raise ValidationFailed(f"Role must be one of: {', '.join(r.value for r in Role)}.", field="role")


def register(email: str, display_name: str, password: str, role: str = Role.VOLUNTEER) -> User:
    """Create an account; one commit."""
    email, display_name = normalise_email(email), (display_name or "").strip()
    _check_details(email, display_name, role)
    _check_password_rules(password)
    if db.session.scalar(select(func.count(User.id)).where(User.email == email)):
        raise Conflict(
            "An account with that email may already exist: log in or reset your password.", field="email"
        )
    user = User(email=email, display_name=display_name, password_hash=hash_password(password), role=role)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(
            "An account with that email may already exist: log in or reset your password.", field="email"
        ) from None
    log.info("account created", extra={"user_id": user.id, "role": role})
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user for a right email and password; None otherwise (the caller shows one message for both)."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        log.info("login failed", extra={"user_id": user.id})
        return None
    return user


def user_for_api_token(token: str) -> User | None:
    if not token:
        return None
    return db.session.scalar(select(User).where(User.api_token_hash == tokens.api_token_hash(token)))


def issue_api_token(user: User) -> str:
    """A new bearer token for the user (replacing any old one); only its sha256 is stored."""
    token = tokens.new_api_token()
    user.api_token_hash = tokens.api_token_hash(token)
    db.session.commit()
    log.info("api token issued", extra={"user_id": user.id})
    return token


def _active_user(email: str) -> User | None:
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    return user if user is not None and user.active else None


def _reset_link(user: User, config: Mapping[str, Any], link_for: Callable[[str], str]) -> str:
    return link_for(tokens.make_reset_token(config["SECRET_KEY"], user.id, user.password_hash))


def send_password_reset(email: str, config: Mapping[str, Any], link_for: Callable[[str], str]) -> None:
    """Mail a reset link; unknown emails get nothing, silently. Without a mail server nothing is sent and the
    link is logged only by a developer's debug server: it is a password, and logs are read by many."""
    user = _active_user(email)
    if user is None:
        log.info("password reset asked for an unknown email")
        return
    link = _reset_link(user, config, link_for)
    if not mailer.enabled(config):
        if config.get("DEBUG"):
            log.warning(
                "no mail server: password reset link follows", extra={"user_id": user.id, "reset_link": link}
            )
        else:
            log.warning(
                "no mail server: password reset not sent (an admin can run `flask reset-link EMAIL`)",
                extra={"user_id": user.id},
            )
        return
    text = (
        f"Use this link within the hour to choose a new password:\n\n{link}\n\n"
        "If you did not ask for it, ignore this message."
    )
    mailer.send(config, mailer.Mail(to=user.email, subject="Reset your Straight Choice password", text=text))
    log.info("password reset mailed", extra={"user_id": user.id})


def admin_reset_link(email: str, config: Mapping[str, Any], link_for: Callable[[str], str]) -> str:
    """A reset link for an admin to hand over by other means (no mail server); it is not logged."""
    user = _active_user(email)
    if user is None:
        raise NotFound(f"No active account has the email {normalise_email(email)!r}.")
    log.info("password reset link made for an admin", extra={"user_id": user.id})
    return _reset_link(user, config, link_for)


def user_for_reset_token(token: str, config: Mapping[str, Any]) -> User | None:
    found = tokens.read_reset_token(config["SECRET_KEY"], token, int(config["PASSWORD_RESET_MAX_AGE_S"]))
    if found is None:
        return None
    user = db.session.get(User, found[0])
    if user is None or not tokens.fingerprint_matches(user.password_hash, found[1]):
        return None
    return user


def reset_password(token: str, new_password: str, config: Mapping[str, Any]) -> User:
    """Set a new password; the new hash makes this token (and every older one) useless."""
    user = user_for_reset_token(token, config)
    if user is None:
        raise ValidationFailed(
            "This reset link has expired or was already used. Ask for a new one.", field="token"
        )
    _check_password_rules(new_password)
    user.password_hash = hash_password(new_password)
    user.session_version = User.session_version + 1  # every session made with the old password ends
    db.session.commit()
    log.info("password reset", extra={"user_id": user.id})
    return user


def end_sessions(user: User) -> None:
    """Log the user out everywhere: every session and remember-me cookie made before now stops working."""
    user.session_version = User.session_version + 1
    db.session.commit()
    log.info("sessions ended", extra={"user_id": user.id})
