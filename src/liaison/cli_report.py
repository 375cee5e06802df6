"""The `liaison report` command: one self-contained HTML (or PDF) file over an event, a series or dates."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.text import Text

from liaison.cli import DataOption, DbOption, err, out, settings


def report(
    output: Path = typer.Option(..., "-o", "--output", help="report.html (self-contained) or report.pdf"),
    event: Optional[str] = typer.Option(None, "--event", help="one event id (`liaison events` lists them)"),
    series: Optional[str] = typer.Option(None, "--series", help="one series id, e.g. ser-world-political-parties-…"),
    since: Optional[str] = typer.Option(None, "--from", help="events starting on or after YYYY-MM-DD"),
    until: Optional[str] = typer.Option(None, "--to", help="events starting on or before YYYY-MM-DD"),
    title: Optional[str] = typer.Option(None, "--title", help="the report's heading [default: from the scope]"),
    db: Optional[str] = DbOption,
    data: Optional[Path] = DataOption,
):
    """Write a report: overview, events timeline, who attends (country, region, regime), who meets whom,
    what is said, the numbers each source claims; every chart with its data table, every row linked to
    its evidence sentence. The HTML opens offline; .pdf is printed by headless Chromium."""
    import liaison
    from liaison import report as reports
    from liaison.report.pdf import PdfUnavailable

    if output.suffix.lower() not in (".html", ".htm", ".pdf"):
        _fail(f"-o {output}: name a .html or .pdf file", 2)
    cfg = settings(db, data)
    try:
        rec = liaison.open(cfg.db, str(cfg.data_dir) if cfg.data_dir else None)
    except FileNotFoundError as exc:
        _fail(str(exc), 2)
    try:
        built = reports.write(rec, output, event=event, series=series, since=since, until=until, title=title)
    except PdfUnavailable as exc:
        _fail(str(exc), 2)
    except ValueError as exc:  # a bad --event, --series or date, named in the message
        _fail(str(exc), 2)
    finally:
        rec.close()
    charts = sum(len(s.charts) for s in built.sections)
    tables = sum(len(s.tables) + len(s.charts) for s in built.sections)
    out.print(f"{built.scope}: {len(built.sections)} sections ({', '.join(s.title for s in built.sections)}), "
              f"{charts} charts, {tables} tables, {len(built.evidence)} evidence sentences → {output} "
              f"({output.stat().st_size / 1024:.0f} KB)")


def _fail(message: str, code: int = 1):
    err.print(Text("error: ", style="red") + Text(message))
    raise typer.Exit(code)
