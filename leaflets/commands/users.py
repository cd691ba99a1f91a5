"""`flask create-user`: make an account from the command line (the first moderator or admin, say)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from leaflets.models import Role
from leaflets.services import accounts
from leaflets.services.errors import DomainError


@click.command("create-user")
@click.argument("email")
@click.option("--display-name", "display_name", default=None, help="Shown on tags and ratings (default: the email's name).")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.VOLUNTEER.value, show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Asked for when not given (safer: it stays out of the shell history).")
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
        click.echo(f"API token (shown once; send as 'Authorization: Bearer <token>'): {accounts.issue_api_token(user)}")
