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
    """Add a user (or bring back a revoked one) and print their token once."""
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
    """Give an active user a new token (the old one stops working); a revoked user needs `users add` again."""
    from liaison.store.users import UserError

    try:
        user, token = _users(db).rotate(name)
    except UserError as exc:
        fail(str(exc), 2)
    _print_token(user.name, user.role, token, "new token for")


# -- curation: judgements on the record ---------------------------------------------------------

AsOption = typer.Option(None, "--as", help="who decides this: one of `liaison users list` when the database has "
                                           "users (their role applies) [env: LIAISON_USER]")
WhyOption = typer.Option("", "--why", help="why: shown in the history beside the judgement")


def _author(as_name: Optional[str], store) -> tuple[str, str]:
    """Who decides, and their role: a database with users takes only their names (and their roles);
    one without users takes any name, with every right (it is the person holding the file)."""
    import os

    from liaison.store.users import Users

    name = (as_name or os.environ.get("LIAISON_USER") or "").strip()
    if not name:
        fail("say who decides this: --as NAME or the LIAISON_USER environment variable", 2)
    people = Users(store.engine).all()
    if not people:
        return name, "admin"
    user = next((u for u in people if u.name == name), None)
    if user is None:
        fail(f"{name!r} is not a user of this database (--as / LIAISON_USER); `liaison users list` shows who is, "
             f"`liaison users add {name}` adds them", 2)
    if not user.active:
        fail(f"{name!r} was revoked and may not judge; `liaison users add {name}` brings them back", 2)
    return user.name, user.role


def _judge(db, action: str, target: str, as_name, why: str = "", **kwargs) -> dict:
    from liaison import curate

    store = open_store(settings(db), create=False)
    try:
        author, role = _author(as_name, store)
        row = curate.judge(store, action, target, author=author, role=role, why=why, **kwargs)
    except curate.JudgementError as exc:
        fail(str(exc))
    finally:
        store.close()
    _print_judgement(row)
    return row


def describe(j: dict) -> str:
    from liaison.curate import describe as what  # imported when used: `liaison --help` stays quick

    return what(j)


def _print_judgement(j: dict) -> None:
    note = f" — {j['note']}" if j.get("note") else ""
    now = f"; now {j['current']}" if j.get("current") and j["current"] != j["target"] else ""
    out.print(Text(f"judgement {j['id']}: {describe(j)} by {j['author']} → {j.get('outcome') or 'recorded'}{note}{now}"))


def merge(a: str = typer.Argument(..., help="an entity or event id"),
          b: str = typer.Argument(..., help="another of the same type, to fold into the first"),
          why: str = WhyOption, as_name: Optional[str] = AsOption, db: Optional[str] = DbOption):
    """Two entities (or events) are one: merge them; kept across re-ingests until undone."""
    _judge(db, "merge", a, as_name, why, other=b)


def distinct(a: str = typer.Argument(...), b: str = typer.Argument(...),
             why: str = WhyOption, as_name: Optional[str] = AsOption, db: Optional[str] = DbOption):
    """Two entities (or events) that look alike are not the same: keep them apart and out of the review queue."""
    _judge(db, "distinct", a, as_name, why, other=b)


def split(target: str = typer.Argument(..., help="an entity or event id"),
          document: list[str] = typer.Option([], "--document", help="a source document to detach (repeatable)"),
          member: list[str] = typer.Option([], "--member", help="one per-document fact DOC:KEY to detach (repeatable)"),
          why: str = WhyOption, as_name: Optional[str] = AsOption, db: Optional[str] = DbOption):
    """Some sources speak of something else: detach them into their own entity or event."""
    if not document and not member:
        fail("name what to split off: --document DOC or --member DOC:KEY (`liaison history ID` and "
             "`liaison show ID` show the sources)", 2)
    _judge(db, "split", target, as_name, why, members=[*document, *member])


def correct(target: str = typer.Argument(..., help="an entity, event or participation (part:EVENT:ENTITY) id"),
            field: str = typer.Argument(..., help="entity: name, country, type, titles; event: name, kind, start, "
                                                  "end, place, country, format; participation: role"),
            value: str = typer.Argument(..., help="the right value (dates as YYYY-MM-DD, countries as ISO3)"),
            why: str = WhyOption, as_name: Optional[str] = AsOption, db: Optional[str] = DbOption):
    """Set a field to the right value; re-extraction does not overwrite it."""
    _judge(db, "correct", target, as_name, why, field=field, value=value)


def reject(target: str = typer.Argument(..., help="an entity, event, part:EVENT:ENTITY, quote:N or figure:N"),
           why: str = WhyOption, as_name: Optional[str] = AsOption, db: Optional[str] = DbOption):
    """A fact is wrong: hide it from views and exports (kept, with this judgement, until undone)."""
    _judge(db, "reject", target, as_name, why)


def confirm(target: str = typer.Argument(...), why: str = WhyOption, as_name: Optional[str] = AsOption,
            db: Optional[str] = DbOption):
    """A fact is checked: mark it so."""
    _judge(db, "confirm", target, as_name, why)


def undo(judgement_id: str = typer.Argument(..., help="the number `liaison judgements` or `liaison history` shows"),
         why: str = WhyOption, as_name: Optional[str] = AsOption, db: Optional[str] = DbOption):
    """Cancel a judgement (an undo is a judgement too: undo it to restore)."""
    _judge(db, "undo", judgement_id, as_name, why)


def _judgement_table(rows: list[dict], title: str) -> Table:
    table = Table("#", "when", "who", "what", "why", "outcome", title=title, title_justify="left")
    for j in rows:
        outcome = j.get("outcome") or ""
        style = {"orphaned": "yellow", "undone": "dim"}.get(outcome)
        table.add_row(str(j["id"]), j["created_at"].strftime("%Y-%m-%d %H:%M"), Text(j["author"]),
                      Text(describe(j)), Text(j.get("reason") or ""),
                      Text(outcome + (f": {j['note']}" if j.get("note") else ""), style=style))
    return table


def history(some_id: str = typer.Argument(..., help="an entity or event id (old ids work too)"),
            db: Optional[str] = DbOption):
    """Every judgement about an entity or event (and the ids merged into it), newest first."""
    from liaison import curate

    store = open_store(settings(db), create=False)
    rows = curate.history(store, some_id)
    if not rows:
        out.print(f"no judgements about {some_id}")
        return
    out.print(_judgement_table(rows, f"history of {store.record().canonical(some_id)}"))


def judgements(orphaned: bool = typer.Option(False, "--orphaned", help="only those whose target is gone"),
               db: Optional[str] = DbOption):
    """All judgements, oldest first; --orphaned lists those whose target no longer exists."""
    from liaison import curate

    store = open_store(settings(db), create=False)
    rows = curate.judgements(store, outcome="orphaned" if orphaned else None)
    if not rows:
        out.print("no orphaned judgements" if orphaned else "no judgements yet")
        return
    out.print(_judgement_table(rows, "orphaned judgements" if orphaned else "judgements"))


def register(app: typer.Typer) -> None:
    """Add the curation commands to the `liaison` app."""
    for fn in (merge, split, correct, reject, confirm, distinct, undo, history, judgements):
        app.command()(fn)
    app.add_typer(users_app, name="users")
