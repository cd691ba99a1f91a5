"""Log in, log out, register, reset a password."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask.wrappers import Response
from flask_login import current_user, login_user, logout_user

from leaflets.extensions import limiter
from leaflets.forms.auth import LoginForm, RegisterForm, ResetPasswordForm, ResetRequestForm
from leaflets.services import accounts
from leaflets.services.errors import DomainError

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def safe_next(target: str | None) -> str | None:
    """Only a local path may follow login ("/volunteer"), never "//evil", "https://..." or "/\\evil"."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _start_session(user: accounts.User, remember: bool) -> None:
    """A new session for a new login, so nothing planted before it survives."""
    session.clear()
    login_user(user, remember=remember, fresh=True)


def _login_account_limit() -> str:
    return str(current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"])


def _login_account() -> str:
    """Per account, whatever address the guesses come from (a botnet shares no address)."""
    return "login-account:" + accounts.normalise_email(request.form.get("email", ""))


def _failed(response: Response) -> bool:
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(
    _login_account_limit,
    key_func=_login_account,
    methods=["POST"],
    deduct_when=_failed,
    error_message="Too many failed logins for this account. Wait a while, or reset the password.",
)
def login() -> ResponseReturnValue:
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        target = safe_next(form.next.data) or url_for("volunteer.queue")
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            _start_session(user, bool(form.remember.data))
            log.info("logged in", extra={"user_id": user.id})
            return redirect(target)
        form.password.errors = [accounts.LOGIN_FAILED]
    return render_template(
        "auth/login.html", form=form
    ), 200 if request.method == "GET" or not form.errors else 422


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """POST with the CSRF token only, so no link or image on another site can log anyone out."""
    if current_user.is_authenticated:
        accounts.end_sessions(current_user._get_current_object())  # copies of this cookie stop working too
    logout_user()
    session.clear()
    flash("You are logged out.", "success")
    return redirect(url_for("archive.index"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def register() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("volunteer.queue"))
    form = RegisterForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = accounts.register(
                form.email.data or "", form.display_name.data or "", form.password.data or ""
            )
        except DomainError as error:
            getattr(form, error.field or "email").errors = [error.message]
        else:
            _start_session(user, remember=False)
            flash("Welcome! Your account is ready.", "success")
            return redirect(safe_next(form.next.data) or url_for("volunteer.queue"))
    return render_template("auth/register.html", form=form), 200 if not form.errors else 422


@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_request() -> ResponseReturnValue:
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.send_password_reset(
            form.email.data or "",
            current_app.config,
            lambda token: url_for("auth.reset_password", token=token, _external=True),
        )
        flash("If that email has an account, a reset link is on its way. It works for one hour.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str) -> ResponseReturnValue:
    form = ResetPasswordForm()
    valid = accounts.user_for_reset_token(token, current_app.config) is not None
    if valid and form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data or "", current_app.config)
        except DomainError as error:
            form.password.errors = [error.message]
        else:
            flash("Your password is changed. Log in with it now.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, valid=valid), 200 if valid else 400
