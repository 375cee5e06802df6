"""Web sources on the command line: the fetcher `liaison ingest URL…` uses, and `liaison watch`."""

from __future__ import annotations

import shlex
import time
from datetime import date, datetime
from pathlib import Path
from typing import Optional

import typer
from rich.text import Text

from liaison.cli import (  # this module is registered at the end of liaison.cli
    ArchiveOption, ContactOption, DataOption, DbOption, DelayOption, PrivateOption, SinceOption,
)

def since_date(value: str | None) -> date | None:
    from liaison.cli import _date_option

    return _date_option(value or None, "--since")


def archive_folder(db: str, archive: Path | None) -> Path:
    if archive is not None:
        return archive
    if "://" in db:  # a database server: the archive goes in the working folder
        return Path("archive")
    return Path(db).expanduser().resolve().parent / "archive"


def make_fetcher(store, sources, db: str, *, delay: float, since: str | None, archive: Path | None,
                 allow_private: bool, contact: str | None, max_bytes: int, force: bool = False):
    """The fetcher of a run: the store remembers what each address answered; responses go to a WARC."""
    from liaison.ingest.warc import Archive
    from liaison.ingest.web import Fetcher, WebOptions

    options = WebOptions(delay=delay, contact=contact, max_bytes=max_bytes, allow_private=allow_private,
                         since=since_date(since), force=force)
    return Fetcher(options, store, Archive(archive_folder(db, archive)),
                   named=[getattr(s, "url", s) for s in sources])


def web_summary(fetcher) -> str:
    c = fetcher.counts
    parts = [f"{c['fetched']} fetched", f"{c['not modified']} not modified", f"{c['already read']} already read",
             f"{c['disallowed']} disallowed by robots.txt", f"{c['retried']} retried"]
    line = "web: " + ", ".join(parts)
    if fetcher.archive is not None and fetcher.archive.records:
        where = fetcher.archive.path
        if where.is_relative_to(Path.cwd()):
            where = where.relative_to(Path.cwd())
        line += f"; {fetcher.archive.records} responses archived in {where}"
    return line


def read_sources_file(path: Path) -> list:
    """A `liaison watch` sources file: one feed, sitemap or page per line, with optional settings
    after it (``delay=5``, ``outlet="Party Daily"``); blank lines and ``#`` comments are skipped."""
    from liaison.ingest.web import Source, is_web

    sources, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split(" #")[0].strip() if not line.lstrip().startswith("#") else ""
        if not line:
            continue
        try:
            url, *settings = shlex.split(line)
        except ValueError as exc:
            problems.append(f"line {number}: {exc}")
            continue
        if not is_web(url):
            problems.append(f"line {number}: {url!r} is not an http(s) address")
            continue
        source = Source(url)
        for item in settings:
            key, _, value = item.partition("=")
            if key == "delay":
                try:
                    source.delay = float(value)
                except ValueError:
                    problems.append(f"line {number}: delay={value!r} is not a number of seconds")
            elif key == "outlet":
                source.outlet = value
            else:
                problems.append(f"line {number}: unknown setting {key!r} (delay=SECONDS, outlet=NAME)")
        sources.append(source)
    return sources, problems


def watch(
    sources_file: Path = typer.Argument(..., help="a text file: one feed, sitemap or page address per line"),
    db: Optional[str] = DbOption,
    data: Optional[Path] = DataOption,
    every: float = typer.Option(15.0, "--every", min=0.0, help="minutes between two passes"),
    once: bool = typer.Option(False, "--once", help="one pass, then exit (for cron or CI)"),
    passes: Optional[int] = typer.Option(None, "--passes", min=1, help="stop after this many passes"),
    delay: float = DelayOption,
    since: Optional[str] = SinceOption,
    archive: Optional[Path] = ArchiveOption,
    allow_private: bool = PrivateOption,
    contact: Optional[str] = ContactOption,
    max_bytes: Optional[int] = typer.Option(None, "--max-bytes", help="largest page to read [default: 5000000]"),
):
    """Poll a list of feeds, sitemaps and pages: each pass stores what is new and resolves it."""
    from liaison.cli import err, load_extractor, open_store, out, safe, settings
    from liaison.pipeline import ingest

    if not sources_file.is_file():
        err.print(Text("error: ", style="red") + Text(f"{sources_file}: no such sources file"))
        raise typer.Exit(2)
    sources, problems = read_sources_file(sources_file)
    for problem in problems:
        err.print(Text("warning ", style="yellow") + Text(f"{sources_file}: {problem}"))
    if not sources:
        err.print(Text("error: ", style="red") + Text(f"{sources_file} names no http(s) source"))
        raise typer.Exit(2)
    cfg = settings(db, data, None, max_bytes)
    store = open_store(cfg)
    extractor = load_extractor(cfg)
    done = 0
    try:
        while True:
            done += 1
            started = datetime.now().strftime("%H:%M:%S")
            fetcher = make_fetcher(store, sources, cfg.db, delay=delay, since=since, archive=archive,
                                   allow_private=allow_private, contact=contact, max_bytes=cfg.max_bytes)
            down: dict[str, str] = {}

            def on_outcome(outcome):
                if outcome.status == "failed":
                    down.setdefault(outcome.source, outcome.message or "failed")

            report = ingest(sources, store, extractor, max_bytes=cfg.max_bytes, on_outcome=on_outcome,
                            fetcher=fetcher)
            fetcher.archive.close()
            c = report.counts
            out.print(f"pass {done} at {started}: {len(sources)} sources, {c['stored']} new, {c['updated']} updated, "
                      f"{c['unchanged']} unchanged, {c['skipped']} skipped, {c['failed']} failed "
                      f"in {report.seconds:.1f}s")
            out.print("  " + web_summary(fetcher))
            for source, message in down.items():
                out.print(Text(safe(f"  failed {source}: {message}")))
            if report.resolution is not None:
                r = report.resolution
                out.print(f"  resolved: {r.entities} entities, {r.events} events")
            if once or (passes and done >= passes):
                break
            out.print(f"  next pass in {every:g} min (Ctrl-C stops)")
            time.sleep(every * 60)
    except KeyboardInterrupt:
        out.print("stopped")
    finally:
        store.close()
