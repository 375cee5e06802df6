"""The `liaison users …` commands (who may write) and the curation commands (merge, correct, …)."""

from __future__ import annotations

from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

from liaison.cli import DbOption, err, open_store, out, settings

users_app = typer.Typer(no_args_is_help=True, help="Who may change the record: users, roles and tokens.")


def fail(message: str, code: int = 1) -> None:
    err.print(Text("error: ", style="red") + Text(message))
    raise typer.Exit(code)


def _users(db):
    from liaison.store.users import Users

    return Users(open_store(settings(db), create=False).engine)


def _print_token(name: str, role: str, token: str, verb: str) -> None:
    out.print(Text(f"{verb} {name} ({role}). Their token, shown this once (the database keeps only its hash):"))
    out.print(token, markup=False, highlight=False)


@users_app.command("add")
def users_add(name: str = typer.Argument(..., help="a short name, shown as the author of their judgements"),
              role: str = typer.Option("editor", "--role", help="editor (judges, undoes their own) or admin "
                                                                "(also undoes anyone's)"),
              db: Optional[str] = DbOption):
    """Add a user and print their token once."""
    from liaison.store.users import UserError

    try:
        user, token = _users(db).add(name, role)
    except UserError as exc:
        fail(str(exc), 2)
    _print_token(user.name, user.role, token, "added")


@users_app.command("list")
def users_list(db: Optional[str] = DbOption):
    """Everyone who has (or had) a token."""
    table = Table("name", "role", "created", "revoked")
    for u in _users(db).all():
        table.add_row(Text(u.name), u.role, u.created_at.strftime("%Y-%m-%d %H:%M"),
                      u.revoked_at.strftime("%Y-%m-%d %H:%M") if u.revoked_at else "")
    out.print(table)


@users_app.command("revoke")
def users_revoke(name: str, db: Optional[str] = DbOption):
    """Stop a user's token (and their signed-in sessions) from working; their judgements stay."""
    from liaison.store.users import UserError

    try:
        user = _users(db).revoke(name)
    except UserError as exc:
        fail(str(exc))
    out.print(f"revoked {user.name}: their token and sessions no longer work")


@users_app.command("rotate")
def users_rotate(name: str, db: Optional[str] = DbOption):
    """Give a user a new token (the old one stops working); also re-activates a revoked user."""
    from liaison.store.users import UserError

    try:
        user, token = _users(db).rotate(name)
    except UserError as exc:
        fail(str(exc))
    _print_token(user.name, user.role, token, "new token for")
