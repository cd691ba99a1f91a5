"""Flask-Login, set up in one place: the views it sends people to, how a session finds its user."""

from __future__ import annotations

from flask import Flask, g

from leaflets.extensions import db, login_manager
from leaflets.models import User


def register(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.refresh_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)
    app.before_request(_load_user_per_request)


def load_user(session_id: str) -> User | None:
    """`id:version` from User.get_id(); a session made before the user's last logout or password change
    carries an older version and counts as logged out."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.session_version == int(version) else None


def _load_user_per_request() -> None:
    """Flask-Login caches the user on `g`; when an app context outlives requests (tests, scripts) drop it."""
    g.pop("_login_user", None)
