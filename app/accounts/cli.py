"""`flask --app wsgi accounts …`: setting up the first administrator and handling accounts by hand."""
import sys

import click
from flask.cli import with_appcontext

from app.core.errors import DomainError

from . import roles, services


def _fail(message) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


@click.group("accounts", help="Manage accounts and roles.")
def accounts_group():
    pass


@accounts_group.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.password_option(help="Asked for when not given.")
@with_appcontext
def create_admin(email, name, password):
    """Create an active centre administrator (the first one, typically)."""
    try:
        user = services.create_user(None, email, name, password=password, activated=True, commit=False)
        roles.grant(None, user, "centre_admin", reason="created on the command line")
    except DomainError as err:
        _fail(err.message)
    click.echo(f"created centre administrator {user.email}")


@accounts_group.command("grant")
@click.argument("email")
@click.argument("role")
@click.option("--scope")
@click.option("--level", type=int)
@click.option("--reason", required=True)
@with_appcontext
def grant_cmd(email, role, scope, level, reason):
    """Grant ROLE to the account EMAIL (recorded in the audit log as done by the system)."""
    user = services.find_by_email(email)
    if user is None:
        _fail(f"no account {email}")
    try:
        roles.grant(None, user, role, reason, scope=scope, level=level)
    except DomainError as err:
        _fail(err.message)
    click.echo(f"granted {role} to {user.email}")
