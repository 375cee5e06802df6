"""`liaison backup` and `liaison restore`: the whole record, every table, to a file and back."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.text import Text

from liaison.cli import DbOption, err, out, settings


def _fail(message: str) -> None:
    err.print(Text("error: ", style="red") + Text(message))
    raise typer.Exit(2)


def _tables(summary) -> str:
    biggest = sorted(summary.tables.items(), key=lambda kv: (-kv[1], kv[0]))[:6]
    return ", ".join(f"{name} {rows:,}" for name, rows in biggest)


def backup(
    dest: Path = typer.Argument(..., help="an SQLite file to write, or a portable dump ending in .tar or .tar.gz"),
    db: Optional[str] = DbOption,
    force: bool = typer.Option(False, "--force", help="overwrite DEST if it exists"),
):
    """Back up the whole record: an SQLite copy (online backup API, safe while serving) or a portable dump."""
    from liaison.store.backup import BackupError, backup as run

    cfg = settings(db)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)  # `liaison backup backups/x.db` on a fresh checkout
    except OSError as exc:
        _fail(f"cannot make the folder {dest.parent} for the backup: {exc.strerror or exc}")
    try:
        summary = run(cfg.db, dest, force=force)
    except BackupError as exc:
        _fail(str(exc))
    except Exception as exc:  # a database error: say which database and why
        _fail(f"cannot back up {cfg.db!r}: {type(exc).__name__}: {exc}")
    kind = "SQLite copy" if summary.kind == "sqlite" else "portable dump"
    out.print(f"backed up {cfg.db} → {dest} ({kind}): {len(summary.tables)} tables, {summary.rows:,} rows "
              f"in {summary.seconds:.1f}s")
    out.print(Text(f"  {_tables(summary)}", style="dim"))


def restore(
    src: Path = typer.Argument(..., help="a backup written by `liaison backup` (SQLite file or .tar/.tar.gz dump)"),
    db: Optional[str] = DbOption,
    force: bool = typer.Option(False, "--force", help="replace everything in a database that is not empty"),
):
    """Restore a backup into an empty database (SQLite or PostgreSQL, whichever made the backup)."""
    from liaison.store.backup import BackupError, restore as run

    cfg = settings(db)
    try:
        summary = run(src, cfg.db, force=force)
    except BackupError as exc:
        _fail(str(exc))
    except Exception as exc:
        _fail(f"cannot restore {src} into {cfg.db!r}: {type(exc).__name__}: {exc}")
    out.print(f"restored {src} → {cfg.db}: {len(summary.tables)} tables, {summary.rows:,} rows "
              f"in {summary.seconds:.1f}s")
    out.print(Text(f"  {_tables(summary)}", style="dim"))


def register(app: typer.Typer) -> None:
    app.command()(backup)
    app.command()(restore)
