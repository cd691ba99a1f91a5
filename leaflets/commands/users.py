"""`flask create-user` and `flask reset-link`: accounts from the command line (a first moderator, a lost
password)."""

from __future__ import annotations

import click
from flask import current_app, url_for
from flask.cli import with_appcontext

from leaflets.models import Role
from leaflets.services import accounts
from leaflets.services.errors import DomainError


@click.command("create-user")
@click.argument("email")
@click.option(
    "--display-name",
    "display_name",
    default=None,
    help="Shown on tags and ratings (default: the email's name).",
)
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default=Role.VOLUNTEER.value, show_default=True
)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when not given (safer: it stays out of the shell history).",
)
@click.option("--token", "with_token", is_flag=True, help="Also make an API bearer token and print it once.")
@with_appcontext
def create_user(email: str, display_name: str | None, role: str, password: str, with_token: bool) -> None:
    """Create a user with a role (volunteer, moderator, admin)."""
    try:
        user = accounts.register(email, display_name or email.split("@")[0], password, role)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Created {role} {user.email} (id {user.id}).")
    if with_token:
        token = accounts.issue_api_token(user)
        click.echo(f"API token (shown once; send as 'Authorization: Bearer <token>'): {token}")


@click.command("reset-link")
@click.argument("email")
@with_appcontext
def reset_link(email: str) -> None:
    """Print a password-reset link for EMAIL, for an admin to pass on (the site has no mail server, say).

    The link is printed to this terminal only, never logged; it works for PASSWORD_RESET_MAX_AGE_S seconds
    and once (a new password makes it useless). Links use SITE_URL as their address."""
    site = str(current_app.config["SITE_URL"]).rstrip("/")
    with current_app.test_request_context("/"):
        try:
            link = accounts.admin_reset_link(
                email, current_app.config, lambda token: site + url_for("auth.reset_password", token=token)
            )
        except DomainError as error:
            raise click.ClickException(error.message) from None
    click.echo(link)
