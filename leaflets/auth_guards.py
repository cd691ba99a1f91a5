"""Role checks made on the server for every protected route.

Pages redirect anonymous visitors to the login page and answer 403 to the wrong role; the API answers 401 and
403 as JSON. Moderator actions also need a fresh login (not one restored from a remember-me cookie).
"""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable, TypeVar, cast

from flask import flash, g, redirect, request, url_for
from flask_login import current_user, login_fresh

from leaflets.extensions import login_manager
from leaflets.services.errors import DomainError, PermissionDenied

F = TypeVar("F", bound=Callable[..., Any])


class Unauthorised(DomainError):
    status = 401
    code = "unauthorised"


def signed_in_user_id() -> int | None:
    """The signed-in user's id, or None for an anonymous visitor."""
    return current_user.id if current_user.is_authenticated else None


def bearer_token_first() -> None:
    """API: `Authorization: Bearer <token>` decides who the caller is, whatever cookie rides along.

    Flask-Login would look at the session cookie first, and its session protection drops the user (without
    trying any other credentials) when a cookie made elsewhere comes along: a valid token then got a 401.
    A wrong token is anonymous even with a logged-in cookie: the client said who it is, and it was not that.
    """
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return
    from leaflets.services.accounts import user_for_api_token

    user = user_for_api_token(header[7:].strip())
    g._login_user = user if user is not None and user.active else login_manager.anonymous_user()


def here() -> str:
    """This request's path and query, as a local `next` target."""
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


def _check_role(role: str) -> None:
    if not current_user.has_role(role):
        raise PermissionDenied(f"This needs the {role} role.")


def role_required(role: str) -> Callable[[F], F]:
    """Pages: anonymous -> login page (coming back here after), wrong role -> 403."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                flash("Log in to continue.", "info")
                return redirect(url_for("auth.login", next=here() if request.method == "GET" else None))
            _check_role(role)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorate


def moderator_action(view: F) -> F:
    """Moderator-only POSTs: the role, and a login made in this session (re-enter the password otherwise)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        _check_role("moderator")
        if not login_fresh():
            flash("Please enter your password again before moderating.", "info")
            return redirect(url_for("auth.login", next=url_for("moderation.dashboard")))
        return view(*args, **kwargs)

    return cast(F, wrapped)


def api_role_required(role: str = "volunteer") -> Callable[[F], F]:
    """API: no credentials -> 401, wrong role -> 403, both as JSON errors."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                raise Unauthorised("Send a bearer token (Authorization: Bearer ...) or log in.")
            _check_role(role)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorate
