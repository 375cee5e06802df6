"""The `liaison analyze …` commands: attendance, network, messaging, contrast, figures.

Each prints a table (Rich) or writes CSV / JSON (``--format``, ``-o FILE``); the network also writes
GraphML and GEXF for Gephi. The work is done by :mod:`liaison.analyze`; this module only reads options
and prints.
"""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from liaison.cli import DataOption, DbOption, err, open_store, out, settings

if TYPE_CHECKING:
    import pandas as pd

analyze_app = typer.Typer(no_args_is_help=True,
                          help="Analyses of the record: who attends, who meets whom, what is said, which numbers.")

FormatOption = typer.Option("table", "--format", "-f", help="table, csv or json")
OutputOption = typer.Option(None, "-o", "--output", help="file to write [default: the terminal]")
LimitOption = typer.Option(50, "--limit", help="rows in the table (csv/json write them all)")
EventOption = typer.Option(None, "--event", help="an event id (`liaison events` lists them)")
SeriesOption = typer.Option(None, "--series", help="a series id: all its events")


PIPE_WIDTH = 120
HEADERS = {"regime_label": "regime", "event_name": "event", "document_id": "source", "weighted_degree": "weighted",
           "betweenness": "between."}
WIDE = {"name", "phrase", "variants", "names", "label", "quote_ids", "by_event", "subject", "term"}
NUMBERS = {"year", "count", "documents", "events", "degree", "betweenness", "community", "value", "spread", "score",
           "count_a", "count_b", "participants"}


def fail(message: str, code: int = 2) -> None:
    err.print(Text("error: ", style="red") + Text(message))
    raise typer.Exit(code)


def _frames(db, data=None):
    from liaison.frames import RecordFrames

    cfg = settings(db, data)
    return RecordFrames(open_store(cfg, create=False), cfg.data_dir)


def _plain(value):
    import pandas as pd  # here, not at start-up: `liaison --help` need not load pandas

    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _cell(value) -> Text:
    value = _plain(value)
    if value is None:
        return Text("")
    if isinstance(value, float):
        return Text(f"{value:,.0f}" if value.is_integer() else f"{value:,.4g}")
    return Text(str(value))


def emit(frame: pd.DataFrame, fmt: str, output: Optional[Path], columns: list[str], title: str,
         limit: int = 50, allowed=("table", "csv", "json")) -> None:
    """Print a frame as a table, or write it all as CSV or JSON (to a file or stdout)."""
    if fmt not in allowed:
        fail(f"unknown --format {fmt!r}; use {', '.join(allowed)}")
    if fmt == "table":
        table = Table(title=title, title_justify="left")
        for col in columns:
            wide = col in WIDE
            table.add_column(HEADERS.get(col, col), no_wrap=not wide, overflow="fold" if wide else "ellipsis",
                             min_width=16 if wide else (13 if col == "document_id" else min(len(HEADERS.get(col, col)), 9)),
                             max_width=32 if col == "event_name" else None,
                             justify="right" if col in NUMBERS else "left")
        for row in frame[columns].head(limit).itertuples(index=False):
            table.add_row(*(_cell(v) for v in row))
        # a terminal's own width; piped or written to a file, wide enough for the table to read well
        console = out if out.is_terminal else Console(soft_wrap=True, width=PIPE_WIDTH)
        if output:
            handle = output.open("w", encoding="utf-8")
            console = Console(file=handle, width=PIPE_WIDTH)
        console.print(table)
        if len(frame) > limit:
            console.print(Text(f"{len(frame) - limit} more rows; --limit shows more, --format csv writes all",
                               style="dim"))
        if output:
            handle.close()
            err.print(f"{min(len(frame), limit)} rows → {output}")
        return
    if fmt == "csv":
        text = frame.to_csv(index=False)
    else:
        records = [{k: _plain(v) for k, v in r.items()} for r in frame.to_dict("records")]
        text = json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
        err.print(f"{len(frame)} rows → {output}")
    else:
        typer.echo(text, nl=False)


def run(fn, *args, **kwargs):
    """Call an analysis; a bad argument (unknown event, series, date) is a clear error, not a traceback."""
    try:
        return fn(*args, **kwargs)
    except ValueError as exc:
        fail(str(exc))


@analyze_app.command()
def attendance(
    db: Optional[str] = DbOption, data: Optional[Path] = DataOption,
    event: Optional[str] = EventOption, series: Optional[str] = SeriesOption,
    since: Optional[str] = typer.Option(None, "--from", help="events starting on or after YYYY-MM-DD"),
    until: Optional[str] = typer.Option(None, "--to", help="events starting on or before YYYY-MM-DD"),
    by_country: bool = typer.Option(False, "--by-country", help="one row per event and country"),
    format: str = FormatOption, output: Optional[Path] = OutputOption, limit: int = LimitOption,
):
    """Who attends: participants by country, region, memberships and regime type (Regimes of the World)."""
    from liaison.analyze import attendance as analysis
    from liaison.analyze.attendance import by_country as fold
    from liaison.analyze.common import regimes_for

    rec = _frames(db, data)
    frame = run(analysis, rec, event=event, series=series, since=since, until=until)
    regimes = regimes_for(rec)
    if rec.data_dir is None:
        err.print(Text("note: no data folder (--data or LIAISON_DATA), so the regime columns are empty", style="yellow"))
    elif not regimes:
        err.print(Text(f"note: no regime file in {rec.data_dir} (owid-political-regime/political-regime.csv), "
                       "so the regime columns are empty", style="yellow"))
    title = "attendance"
    if event and not frame.empty:
        title = f"attendance: {frame['event_name'].iloc[0]} ({frame['event_id'].iloc[0]})"
    if by_country:
        frame = fold(frame)
        columns = ["event_id", "country", "region", "memberships", "regime_label", "participants", "names"]
    else:
        columns = ["event_name", "year", "name", "type", "role", "country", "memberships", "regime_label", "ruling"]
    if event:
        columns = [c for c in columns if c not in ("event_name", "event_id", "year")]
    emit(frame, format, output, columns, title, limit)


@analyze_app.command()
def network(
    db: Optional[str] = DbOption,
    of: str = typer.Option("party", "--of", help="party, person, organization or country"),
    event: Optional[str] = EventOption, series: Optional[str] = SeriesOption,
    format: str = typer.Option("table", "--format", "-f", help="table, csv, json (centrality), graphml or gexf"),
    output: Optional[Path] = OutputOption, limit: int = LimitOption,
):
    """Who meets whom: co-attendance network with degree, betweenness and communities; GraphML/GEXF for Gephi."""
    from liaison.analyze import centrality, network as build
    from liaison.analyze.network import save_graph

    rec = _frames(db)
    graph = run(build, rec, of=of, event=event, series=series)
    if format in ("graphml", "gexf"):
        if output is None:
            fail(f"--format {format} writes a file: give it with -o, e.g. -o network.{format}")
        save_graph(graph, output, format)
        err.print(f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges → {output}")
        return
    frame = centrality(graph)
    emit(frame, format, output, ["label", "type", "country", "events", "degree", "betweenness", "community"],
         f"co-attendance of {of}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges", limit,
         allowed=("table", "csv", "json", "graphml", "gexf"))


@analyze_app.command()
def messaging(
    db: Optional[str] = DbOption,
    speaker: Optional[str] = typer.Option(None, "--speaker", help="a person's id or name"),
    party: Optional[str] = typer.Option(None, "--party", help="a party's id, name or alias (its people count too)"),
    event: Optional[str] = EventOption,
    min_count: int = typer.Option(2, "--min-count", help="quotes a phrase must appear in"),
    format: str = FormatOption, output: Optional[Path] = OutputOption, limit: int = LimitOption,
):
    """Slogans and key phrases repeated across quotes, variants grouped, counted by event and year."""
    from liaison.analyze import messaging as analysis

    rec = _frames(db)
    frame = run(analysis, rec, speaker=speaker, party=party, event=event, min_count=min_count)
    emit(frame, format, output, ["phrase", "count", "documents", "by_year", "variants"], "messaging",
         limit)


@analyze_app.command()
def contrast(
    event_a: str = typer.Argument(..., help="an event id"), event_b: str = typer.Argument(..., help="another event id"),
    db: Optional[str] = DbOption,
    min_count: int = typer.Option(2, "--min-count", help="times a term must be said in both events together"),
    format: str = FormatOption, output: Optional[Path] = OutputOption, limit: int = typer.Option(10, "--limit"),
):
    """Terms that set one event's quotes apart from another's (log-odds z-score; + is A, − is B)."""
    from liaison.analyze import contrast as analysis

    rec = _frames(db)
    frame = run(analysis, rec, event_a, event_b, min_count=min_count)
    if format == "table" and len(frame) > 2 * limit:
        import pandas as pd

        frame = pd.concat([frame.head(limit), frame.tail(limit)])
        limit = len(frame)
    emit(frame, format, output, ["term", "count_a", "count_b", "score", "quote_ids"],
         f"A = {event_a}, B = {event_b}", limit)


@analyze_app.command()
def figures(
    db: Optional[str] = DbOption, event: Optional[str] = EventOption,
    disagree: bool = typer.Option(False, "--disagree", help="only counts the sources disagree on"),
    format: str = FormatOption, output: Optional[Path] = OutputOption, limit: int = LimitOption,
):
    """The numbers claimed: per event and unit, each source's figure, qualifier and date, and the spread."""
    from liaison.analyze import figures as analysis

    rec = _frames(db)
    frame = run(analysis, rec, event=event)
    if disagree:
        frame = frame[frame["disagree"]]
    columns = ["event_name", "unit", "value", "qualifier", "document_id", "outlet", "published", "spread", "disagree"]
    title = "figures per source (never averaged)"
    if event:
        columns = columns[1:]
        if not frame.empty:
            title += f": {frame['event_name'].iloc[0]} ({frame['event_id'].iloc[0]})"
    emit(frame, format, output, columns, title, limit)


def export_graph(store, fmt: str, output: Optional[Path]) -> None:
    """`liaison export --format graphml|gexf -o FILE`: the party co-attendance network, for Gephi."""
    from liaison.analyze.network import write_graph
    from liaison.frames import RecordFrames

    if output is None:
        fail(f"--format {fmt} writes a file: give it with -o, e.g. -o record.{fmt}")
    graph = write_graph(RecordFrames(store), output, fmt, of="party")
    err.print(f"{graph.number_of_nodes()} parties, {graph.number_of_edges()} co-attendance edges → {output}")
