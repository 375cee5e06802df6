"""The `liaison` command line (Typer + Rich)."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from datetime import date
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from liaison.config import Settings
from liaison.model import disputed_units, period_text

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="rich",
                  help="Liaison: an evidence-backed record of inter-party diplomacy.")


def _version(value: bool) -> None:
    if value:
        from liaison import __version__

        print(f"liaison {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="print the version and exit")):
    """Liaison: an evidence-backed record of inter-party diplomacy."""
# Piped or redirected, output is not cut to 80 columns ("Chine…"): a file or a pager has room
# (COLUMNS still chooses the width when it is set).
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 200)
err = Console(stderr=True, soft_wrap=True, width=None if sys.stderr.isatty() or os.environ.get("COLUMNS") else 200)

DbOption = typer.Option(None, "--db", help="SQLite file or database URL [env: LIAISON_DB; default: liaison.db]")
DataOption = typer.Option(None, "--data", help="folder of reference data, e.g. ../shared/data [env: LIAISON_DATA]")
# listings in the ecosystem's habits (sqlite-utils): every row, for other tools
JsonOption = typer.Option(False, "--json", help="print the rows as a JSON array")
CsvOption = typer.Option(False, "--csv", help="print the rows as CSV")
NlOption = typer.Option(False, "--nl", help="print the rows as JSON lines (one object per line)")


def emit_rows(rows: list[dict], as_json: bool, as_csv: bool, as_nl: bool) -> bool:
    """Rows in the format asked for (True), or False when a table is wanted."""
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, default=str, indent=1))
    elif as_nl:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False, default=str))
    elif as_csv:
        import csv

        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["id"])
        writer.writeheader()
        for row in rows:
            writer.writerow({k: " | ".join(map(str, v)) if isinstance(v, list) else v for k, v in row.items()})
    else:
        return False
    return True


# web sources (`ingest URL…`, `watch`)
DelayOption = typer.Option(1.0, "--delay", min=0.0, help="web: seconds between two requests to one host")
SinceOption = typer.Option(None, "--since", help="web: skip feed and sitemap entries dated before this day (YYYY-MM-DD)")
ArchiveOption = typer.Option(None, "--archive", help="web: folder for the WARC files of what is fetched "
                                                     "[default: 'archive' beside the database]")
PrivateOption = typer.Option(False, "--allow-private", help="web: let links and redirects lead to private or "
                                                            "local addresses that were not named")
ContactOption = typer.Option(None, "--contact", envvar="LIAISON_CONTACT", help="web: an e-mail or URL for site "
                             "owners, sent in the User-Agent [env: LIAISON_CONTACT]")


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(value) -> str:
    """Text for the terminal: control characters (an escape sequence in a file name) shown, not sent."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))


def settings(db=None, data=None, model=None, max_bytes=None) -> Settings:
    try:
        return Settings.resolve(db=db, data_dir=data, spacy_model=model, max_bytes=max_bytes)
    except ValueError as exc:
        err.print(Text("error: ", style="red") + Text(str(exc)))
        raise typer.Exit(2) from None


def open_store(cfg: Settings, create: bool = True, read_only: bool = False):
    from liaison.store import Store

    try:
        return Store.open(cfg.db, create=create, read_only=read_only)
    except FileNotFoundError as exc:
        err.print(Text("error: ", style="red") + Text(str(exc)))
        raise typer.Exit(2) from None
    except Exception as exc:
        err.print(Text("error: ", style="red") + Text(f"cannot open the database {cfg.db!r}: {exc}"))
        raise typer.Exit(2) from None


def load_extractor(cfg: Settings):
    from liaison.extract import Extractor, ModelNotInstalled

    try:
        return Extractor.load(cfg.spacy_model, cfg.data_dir)
    except ModelNotInstalled as exc:
        err.print(Text("error: ", style="red") + Text(str(exc)))
        raise typer.Exit(2) from None


def progress_bar() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(),
                    TextColumn("{task.completed} docs"), TextColumn("{task.fields[rate]:.1f} docs/s"),
                    TextColumn("[red]{task.fields[failed]} failed"), TimeElapsedColumn(),
                    console=err, transient=False, disable=not err.is_terminal)


@app.command()
def ingest(
    paths: list[str] = typer.Argument(..., help="files, folders, globs, or - for JSON Lines on stdin"),
    db: Optional[str] = DbOption,
    data: Optional[Path] = DataOption,
    force: bool = typer.Option(False, "--force", help="re-extract documents that are already stored"),
    max_bytes: Optional[int] = typer.Option(None, "--max-bytes", help="largest file to read [default: 5000000]"),
    spacy_model: Optional[str] = typer.Option(None, "--spacy-model", help="installed spaCy pipeline [env: LIAISON_SPACY_MODEL]"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="print only the summary"),
    extract_all: bool = typer.Option(False, "--all", help="extract every document, also those the relevance router passes over"),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="extraction processes [default: the cores available]"),
    dask: Optional[str] = typer.Option(None, "--dask", help="run on Dask: 'local' (a LocalCluster) or a scheduler address tcp://host:8786"),
    shards: Optional[Path] = typer.Option(None, "--shards", help="with --dask: write Parquet shards to this folder for `liaison load` instead of storing"),
    delay: float = DelayOption,
    since: Optional[str] = SinceOption,
    archive: Optional[Path] = ArchiveOption,
    allow_private: bool = PrivateOption,
    contact: Optional[str] = ContactOption,
):
    """Read, clean, route, extract and store articles; a second run over the same articles changes nothing.

    Besides files, a path may be a web address: an article page, an RSS or Atom feed, or a
    sitemap, fetched politely (robots.txt, a delay per host) and kept in a WARC archive."""
    from liaison.cli_scale import run_ingest_command
    from liaison.cli_web import make_fetcher, web_summary
    from liaison.ingest import is_web

    cfg = settings(db, data, spacy_model, max_bytes)
    web = [p for p in paths if is_web(p)]
    from liaison.ingest import expand_paths

    local = expand_paths([p for p in paths if not is_web(p)])
    if not web and not local.files:  # a mistyped path: say so before a database is made
        for miss in local.missing:
            err.print(Text("error: ", style="red") + Text(safe(f"{miss.source}: {miss.reason}")))
        err.print(Text("nothing to ingest: no file, folder or web address named here could be read", style="red"))
        raise typer.Exit(2)
    if web and dask:
        err.print(Text("error: ", style="red") + Text("web addresses are fetched by a plain ingest; "
                                                      "fetch them first (or archive them as WARC) for --dask"))
        raise typer.Exit(2)
    store = open_store(cfg)
    fetcher = make_fetcher(store, web, cfg.db, delay=delay, since=since, archive=archive, allow_private=allow_private,
                           contact=contact, max_bytes=cfg.max_bytes, force=force) if web else None
    extractor = load_extractor(cfg)
    started = time.perf_counter()
    with progress_bar() as bar:
        task = bar.add_task("ingesting", total=None, rate=0.0, failed=0)
        failed = 0

        def on_outcome(outcome):
            nonlocal failed
            failed += outcome.status == "failed"
            done = bar.tasks[task].completed + 1
            bar.update(task, advance=1, failed=failed, rate=done / max(time.perf_counter() - started, 1e-9))
            if outcome.status == "failed":
                bar.console.print(Text("failed ", style="red") + Text(safe(f"{outcome.source}: {outcome.message}")))
            elif outcome.status == "updated" and outcome.message and "revision" in outcome.message:
                bar.console.print(Text("updated ", style="yellow") + Text(safe(f"{outcome.source}: {outcome.message}")))
            elif outcome.warnings:
                bar.console.print(Text("warning ", style="yellow") + Text(safe(f"{outcome.source}: {'; '.join(outcome.warnings)}")))

        report = run_ingest_command(paths, store, extractor, cfg, force=force, on_outcome=on_outcome,
                                    extract_all=extract_all, workers=workers, dask=dask, shards=shards,
                                    fetcher=fetcher)
    if fetcher is not None:
        fetcher.archive.close()
    c = report.counts
    rate = report.documents / report.seconds if report.seconds else 0.0
    out.print(f"{report.documents} documents in {report.seconds:.1f}s ({rate:.1f} docs/s, "
              f"{report.words / report.seconds if report.seconds else 0:.0f} words/s): "
              f"{c['stored']} stored, {c['updated']} updated, {c['unchanged']} unchanged, "
              f"{c['duplicate']} duplicate, {c['failed']} failed"
              + (f", {c['skipped']} skipped" if c["skipped"] else ""))
    if fetcher is not None:
        out.print(web_summary(fetcher))
    if report.routed_out:
        out.print(f"{report.routed_out} stored without extraction: off topic for the relevance router (--all extracts them)")
    if report.other_language:
        out.print(f"{report.other_language} stored without extraction: not in English, the one language the extractor "
                  "reads (stored and searchable)")
    if report.resolution is not None:
        r = report.resolution
        out.print(f"resolved: {r.entities} entities, {r.events} events in {r.series} series "
                  f"({r.retired} ids redirected) in {r.seconds:.2f}s")
    if not quiet:
        print_stats(store.stats(), cfg.db)
    store.close()
    if c["failed"]:
        raise typer.Exit(1)


@app.command()
def extract(
    paths: list[str] = typer.Argument(..., help="files, folders, globs, or - for JSON Lines on stdin"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="JSON Lines file to write [default: stdout]"),
    data: Optional[Path] = DataOption,
    max_bytes: Optional[int] = typer.Option(None, "--max-bytes"),
    spacy_model: Optional[str] = typer.Option(None, "--spacy-model"),
):
    """Read, clean and extract without storing: one JSON line per document (../shared/eval/FORMAT.md)."""
    from liaison.ingest import read_sources
    from liaison.model import document_line
    from liaison.pipeline import Outcome, prepared

    cfg = settings(None, data, spacy_model, max_bytes)
    extractor = load_extractor(cfg)
    failures = []

    def docs():
        for item in prepared(read_sources(paths, cfg.max_bytes)):  # web addresses too, fetched politely
            if isinstance(item, Outcome):
                if item.status != "failed":  # a web page robots.txt forbids
                    err.print(Text(f"{item.status} ", style="yellow") + Text(safe(f"{item.source}: {item.message}")))
                    continue
                failures.append(item)
                err.print(Text("failed ", style="red") + Text(safe(f"{item.source}: {item.message}")))
                continue
            for warning in item.warnings:
                err.print(Text("warning ", style="yellow") + Text(safe(f"{item.source}: {warning}")))
            yield item

    sink = output.open("w", encoding="utf-8") if output else sys.stdout
    count = 0
    try:
        for doc, facts in extractor.extract_many(docs()):
            if facts.skipped and facts.skipped.startswith("extraction error"):
                err.print(Text("warning ", style="yellow") + Text(f"{doc.source}: {facts.skipped}"))
            sink.write(json.dumps(document_line(doc, facts), ensure_ascii=False) + "\n")
            count += 1
    finally:
        if output:
            sink.close()
    err.print(f"{count} documents extracted, {len(failures)} failed" + (f" → {output}" if output else ""))
    if failures:
        raise typer.Exit(1)


def print_stats(stats: dict, db: str) -> None:
    table = Table(title=f"Liaison record in {db}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("documents", f"{stats['documents']:,}")
    table.add_row("  near-duplicates", f"{stats['near_duplicates']:,}")
    table.add_row("  not extracted", f"{stats['skipped']:,}")
    table.add_row("words", f"{stats['words']:,}")
    table.add_row("published", f"{stats['published_from'] or '?'} to {stats['published_to'] or '?'}")
    for etype, n in stats["entities_by_type"].items():
        table.add_row(f"{etype} entities (per document)", f"{n:,}")
    for key in ("mentions", "events", "participations", "quotes", "figures"):
        table.add_row(key, f"{stats[key]:,}")
    table.add_row("outlets", ", ".join(f"{o['outlet'] or 'unknown'} ({o['documents']})" for o in stats["outlets"][:6]))
    table.add_row("failed inputs (all runs)", f"{stats['failures']:,}")
    out.print(table)


@app.command()
def stats(db: Optional[str] = DbOption, as_json: bool = typer.Option(False, "--json")):
    """What the record holds: counts by kind, outlets, date range, failures."""
    cfg = settings(db)
    store = open_store(cfg, create=False)
    data = store.stats()
    if as_json:
        out.print_json(json.dumps(data, default=str))
    else:
        print_stats(data, cfg.db)


def _date_option(value: Optional[str], name: str) -> Optional[date]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        err.print(Text("error: ", style="red") + Text(f"{name} takes a date as YYYY-MM-DD, not {value!r}"))
        raise typer.Exit(2) from None


@app.command()
def documents(
    db: Optional[str] = DbOption,
    outlet: Optional[str] = typer.Option(None, "--outlet"),
    since: Optional[str] = typer.Option(None, "--from", help="published on or after YYYY-MM-DD"),
    until: Optional[str] = typer.Option(None, "--to", help="published on or before YYYY-MM-DD"),
    limit: int = typer.Option(50, "--limit"),
    as_json: bool = JsonOption, as_csv: bool = CsvOption, as_nl: bool = NlOption,
):
    """List stored documents, newest first."""
    cfg = settings(db)
    store = open_store(cfg, create=False)
    rows = store.documents(outlet=outlet, since=_date_option(since, "--from"), until=_date_option(until, "--to"),
                           limit=limit)
    if emit_rows([{k: r.get(k) for k in ("id", "source", "url", "published", "outlet", "title", "word_count", "status",
                                     "near_duplicate_of")} for r in rows], as_json, as_csv, as_nl):
        return
    table = Table()
    table.add_column("id", no_wrap=True, min_width=13)
    table.add_column("published", no_wrap=True, min_width=10)
    table.add_column("outlet", no_wrap=True, overflow="ellipsis", min_width=12, max_width=16)
    table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=48)
    table.add_column("words", justify="right", no_wrap=True, min_width=5)
    table.add_column("note", overflow="ellipsis")
    for r in rows:
        note = f"near-dup of {r['near_duplicate_of']}" if r["near_duplicate_of"] else ("" if r["status"] == "extracted" else r["status"])
        table.add_row(r["id"], str(r["published"] or ""), Text(r["outlet"] or ""), Text((r["title"] or "")[:70]),
                      str(r["word_count"]), note)
    out.print(table)


@app.command()
def show(doc_id: str = typer.Argument(..., help="a document, entity or event id, a document's source, or a name"),
         db: Optional[str] = DbOption,
         revision: Optional[int] = typer.Option(None, "--revision", min=1,
                                                help="a document's earlier text, as it was stored before it was replaced")):
    """A document (metadata, clean text, entities), an entity or an event, with its sources and evidence."""
    cfg = settings(db)
    store = open_store(cfg, create=False)
    record = store.record()
    target = record.canonical(doc_id)
    if target.startswith(("per-", "pty-", "org-", "cty-", "plc-")):
        return show_entity(store, target)
    if target.startswith("evt-"):
        return show_event(store, target)
    doc = store.document(doc_id)
    if doc is None:  # a name, then: "Xi Jinping", "CPC", "São Paulo Forum"
        exact, near = record.named(doc_id)
        if len(exact) == 1:
            target = exact[0]["id"]
            return show_entity(store, target) if not target.startswith("evt-") else show_event(store, target)
        if exact:
            err.print(Text(f"{len(exact)} things are called {doc_id!r}; show one by its id:"))
            for r in exact:
                err.print(Text(f"  {r['id']}  {r['name']} ({r['what']})"))
            raise typer.Exit(1)
        err.print(Text("error: ", style="red") + Text(f"no document, entity or event {doc_id!r}"
                                                      + ("; did you mean:" if near else
                                                         "; `liaison entities` and `liaison events` list them")))
        for r in near:
            err.print(Text(f"  {r['id']}  {r['name']} ({r['what']})"))
        raise typer.Exit(1)
    if revision is not None:
        earlier = next((r for r in store.revisions(doc["id"]) if r["revision"] == revision), None)
        if earlier is None:
            err.print(Text("error: ", style="red") + Text(f"{doc['id']} has no revision {revision}"))
            raise typer.Exit(1)
        out.print(Text(earlier["title"] or "(no title)", style="bold"))
        out.print(Text(f"revision {revision} of {doc['id']}, stored {earlier['stored_at']:%Y-%m-%d %H:%M}, "
                       f"replaced {earlier['replaced_at']:%Y-%m-%d %H:%M}", style="dim"))
        out.print()
        out.print(earlier["text"], markup=False, highlight=False)
        return
    out.print(Text(doc["title"] or "(no title)", style="bold"))
    for key in ("id", "source", "url", "fetched_at", "warc_record_id", "outlet", "authors", "published", "language",
                "word_count", "status", "skip_reason", "near_duplicate_of", "extractor"):
        if key == "url" and doc.get("url") == doc.get("source"):
            continue
        value = doc.get(key)
        if value not in (None, [], ""):
            out.print(Text(f"{key}: ", style="dim") + Text(", ".join(value) if isinstance(value, list) else str(value)))
    revisions = store.revisions(doc["id"])
    if revisions:
        out.print(Text("earlier texts: ", style="dim") + Text("; ".join(
            f"revision {r['revision']} stored {r['stored_at']:%Y-%m-%d %H:%M}, replaced {r['replaced_at']:%Y-%m-%d %H:%M}"
            f" ({len(r['text'].split())} words{', ' + repr(r['title']) if r['title'] else ''})" for r in revisions)))
    out.print()
    out.print(doc["text"], markup=False, highlight=False)
    if doc["entities"]:
        out.print()
        table = Table("key", "type", "name", "country", "aliases", title="entities")
        for e in doc["entities"]:
            table.add_row(e["key"], e["type"], Text(e["name"]), e["country"] or "", Text(", ".join(e["aliases"])))
        out.print(table)


def snippet_text(snippet: str) -> Text:
    """A search snippet with its matched words ([like this]) in bold, nothing read as markup."""
    text = Text()
    for n, piece in enumerate(re.split(r"\[|\]", snippet or "")):
        text.append(piece, style="bold yellow" if n % 2 else None)
    return text


def show_entity(store, entity_id: str) -> None:
    record = store.record()
    e = record.entity(entity_id)
    if e is None:
        err.print(Text(f"error: no entity {entity_id!r}; `liaison entities` lists them", style="red"))
        raise typer.Exit(1)
    out.print(Text(f"{e['name']}  ({e['type']}, {e['country'] or 'no country'})", style="bold"))
    out.print(Text(f"id: {e['id']}   documents: {e['documents']}"))
    if e["aliases"]:
        out.print(Text("aliases: " + ", ".join(e["aliases"])))
    if e["titles"]:
        out.print(Text("titles: " + ", ".join(e["titles"])))
    parts = record.participations(entity_id=entity_id)
    events = {ev["id"]: ev for ev in record.events_by_ids({p["event"] for p in parts})}
    if parts:
        table = Table("event", "kind", "start", "role", title="took part in")
        for p in parts:
            ev = events.get(p["event"], {})
            table.add_row(Text(ev.get("name", p["event"])), ev.get("kind", ""), str(ev.get("start") or ""), p["role"])
        out.print(table)
    out.print(Text("evidence", style="bold"))
    for r in record.entity_evidence(entity_id)[:12]:
        out.print(Text(f"  {r['document_id']} [{r['start']}:{r['end']}] ") +
                  Text(record.sentence(r["document_id"], r["start"], r["end"]), style="dim"))


def show_event(store, event_id: str) -> None:
    record = store.record()
    ev = record.event(event_id)
    if ev is None:
        err.print(Text(f"error: no event {event_id!r}; `liaison events` lists them", style="red"))
        raise typer.Exit(1)
    parts = record.participations(event_id=event_id)
    names = {e["id"]: e["name"] for e in record.entities_by_ids({p["entity"] for p in parts} | {ev["organizer_id"]})}
    out.print(Text(ev["name"], style="bold"))
    for key in ("id", "kind", "start", "end", "place", "country", "format", "edition", "series_id", "sources"):
        if ev.get(key) not in (None, ""):
            out.print(Text(f"{key}: ", style="dim") + Text(str(ev[key])))
    if not ev["start"] and ev.get("period"):  # no day told: when its sources place it
        out.print(Text("when: ", style="dim") + Text(f"{period_text(ev['period'])} (no day given; EDTF {ev['period']})"))
    if ev["organizer_id"]:
        out.print(Text("organizer: ", style="dim") + Text(names.get(ev["organizer_id"], ev["organizer_id"])))
    if ev["aliases"]:
        out.print(Text("also called: ", style="dim") + Text("; ".join(ev["aliases"])))
    if parts:
        table = Table("participant", "role", "sources", title="participants")
        for p in parts:
            table.add_row(Text(names.get(p["entity"], p["entity"])), p["role"],
                          ", ".join(sorted({x["document"] for x in p["evidence"]})))
        out.print(table)
    figs = record.figures(event_id=event_id)
    if figs:
        table = Table("unit", "value", "qualifier", "source", "published", title="figures per source")
        disputed = disputed_units(figs)
        for f in sorted(figs, key=lambda f: (f["unit"], f["published"] or date.min, f["document_id"])):
            flag = " ≠" if f["unit"] in disputed else ""
            table.add_row(f["unit"] + flag, f"{f['value']:,.0f}", f["qualifier"] or "",
                          Text(f"{f['document_id']} {f['outlet'] or ''}"), str(f["published"] or ""))
        out.print(table)
        if disputed:
            out.print(Text("≠ sources disagree on this count; each source's figure is kept", style="yellow"))
    out.print(Text("sources and evidence", style="bold"))
    for r in record.event_evidence(event_id):
        for start, end in (r["spans"] or [])[:2]:
            out.print(Text(f"  {r['document_id']} [{start}:{end}] ") +
                      Text(record.sentence(r["document_id"], start, end), style="dim"))


@app.command()
def resolve(db: Optional[str] = DbOption):
    """Re-resolve the whole record: one entity per real thing, one event per real event."""
    from liaison.resolve import resolve as run

    cfg = settings(db)
    store = open_store(cfg, create=False)
    r = run(store)
    out.print(f"{r.doc_entities} document entities → {r.entities} entities; {r.doc_events} document events → "
              f"{r.events} events in {r.series} series; {r.retired} ids retired (redirected) in {r.seconds:.2f}s")


@app.command()
def entities(db: Optional[str] = DbOption,
             type: Optional[str] = typer.Option(None, "--type", help="person, party, organization, country, place"),
             country: Optional[str] = typer.Option(None, "--country", help="ISO3 code, e.g. PAK"),
             limit: int = typer.Option(50, "--limit"),
             as_json: bool = JsonOption, as_csv: bool = CsvOption, as_nl: bool = NlOption):
    """Resolved entities, most documented first."""
    cfg = settings(db)
    store = open_store(cfg, create=False)
    found = store.record().entities(type=type, country=country, limit=limit)
    if emit_rows([{k: e[k] for k in ("id", "type", "name", "aliases", "country", "titles", "documents")}
                  for e in found], as_json, as_csv, as_nl):
        return
    table = Table()
    table.add_column("id", no_wrap=True)
    table.add_column("type", min_width=12)
    table.add_column("country", min_width=7)
    table.add_column("docs", min_width=4, justify="right")
    table.add_column("name", ratio=1)
    table.add_column("aliases", ratio=1)
    for e in found:
        table.add_row(e["id"], e["type"], e["country"] or "", str(e["documents"]), Text(e["name"]),
                      Text(", ".join(e["aliases"][:5])))
    out.print(table)


@app.command()
def events(db: Optional[str] = DbOption,
           kind: Optional[str] = typer.Option(None, "--kind", help="summit, dialogue, meeting, visit, forum…"),
           since: Optional[str] = typer.Option(None, "--from", help="starting on or after YYYY-MM-DD"),
           until: Optional[str] = typer.Option(None, "--to", help="starting on or before YYYY-MM-DD"),
           limit: int = typer.Option(50, "--limit"),
           as_json: bool = JsonOption, as_csv: bool = CsvOption, as_nl: bool = NlOption):
    """Resolved events, newest first, with how many sources report each."""
    cfg = settings(db)
    store = open_store(cfg, create=False)
    found = store.record().events(kind=kind, since=_date_option(since, "--from"), until=_date_option(until, "--to"),
                                  limit=limit)
    if emit_rows([{**{k: e[k] for k in ("id", "kind", "name", "start", "end", "place", "country", "format",
                                         "edition", "sources")}, "period": e.get("period"),
                   "series": e["series_id"], "organizer": e["organizer_id"]} for e in found], as_json, as_csv, as_nl):
        return
    table = Table()
    table.add_column("id", no_wrap=True)
    for col, width in (("kind", 9), ("start", 10), ("country", 7), ("sources", 7)):
        table.add_column(col, min_width=width)
    table.add_column("name", ratio=1)
    for e in found:
        when = Text(str(e["start"])) if e["start"] else Text(period_text(e.get("period")), style="dim")
        table.add_row(e["id"], e["kind"], when, e["country"] or "", str(e["sources"]), Text(e["name"][:70]))
    out.print(table)


@app.command()
def export(db: Optional[str] = DbOption,
           format: str = typer.Option("json", "--format", help="json (../shared/eval/FORMAT.md), csv, parquet, "
                                                                 "ftm (FollowTheMoney JSON lines), events-csv, graphml or gexf"),
           output: Optional[Path] = typer.Option(None, "-o", "--output",
                                                 help="file (json, ftm, events-csv) or folder (csv, parquet)"),
           partial: bool = typer.Option(False, "--partial", help="export what is resolved though some stored facts "
                                                                 "wait for resolution")):
    """Export the resolved record with its evidence."""
    from liaison.export import write_csv, write_json

    cfg = settings(db)
    store = open_store(cfg, create=False)
    if not partial and store.unresolved():  # an ingest stopped between storing and resolving
        err.print(Text("error: ", style="red") + Text(
            f"some stored facts of {cfg.db} wait for resolution (an ingest or resolve was stopped before it "
            f"finished), so the record would be incomplete: run `liaison resolve --db {cfg.db}` first, "
            "or export with --partial"))
        raise typer.Exit(2)
    if format == "json":
        data = write_json(store, output)
        if output:
            err.print(f"{len(data['entities'])} entities, {len(data['events'])} events, "
                      f"{len(data['participations'])} participations → {output}")
    elif format == "csv":
        if output is None:
            err.print(Text("error: --format csv writes a folder: give it with -o", style="red"))
            raise typer.Exit(2)
        paths = write_csv(store, output)
        err.print(f"{len(paths)} tables → {output}/")
    elif format == "parquet":
        from liaison.export import write_parquet

        if output is None:
            err.print(Text("error: --format parquet writes a folder: give it with -o", style="red"))
            raise typer.Exit(2)
        counts = write_parquet(store, output)
        err.print(", ".join(f"{n} {t}" for t, n in counts.items()) + f" → {output}/*.parquet")
    elif format == "ftm":
        from liaison.export import write_ftm

        counts = write_ftm(store, output)
        err.print(", ".join(f"{n} {s}" for s, n in counts.items()) + f" → {output or 'stdout'}")
    elif format == "events-csv":
        from liaison.export import write_events_csv

        err.print(f"{write_events_csv(store, output)} participations → {output or 'stdout'}")
    elif format in ("graphml", "gexf"):  # the party co-attendance network (`liaison analyze network` for more)
        from liaison.cli_analyze import export_graph

        export_graph(store, format, output)
    else:
        err.print(Text(f"error: unknown format {format!r}; use json, csv, parquet, ftm, events-csv, graphml or gexf", style="red"))
        raise typer.Exit(2)


@app.command()
def serve(db: Optional[str] = DbOption,
          host: str = typer.Option("127.0.0.1", "--host", help="address to bind; loopback unless you say otherwise"),
          port: int = typer.Option(8000, "--port"),
          workers: int = typer.Option(1, "--workers", help="server processes (each opens the database)"),
          read_only: bool = typer.Option(False, "--read-only", help="refuse every change, even with a token")):
    """Serve the explorer and the HTTP API over a database (writing needs a token; see `liaison users`)."""
    import os

    import uvicorn

    from liaison.web import create_app

    cfg = settings(db)
    store = open_store(cfg, create=False, read_only=read_only)  # read-only writes nothing, not even migrations
    out.print(f"Liaison explorer on http://{host}:{port}/  (API docs at /docs; Ctrl-C stops it)")
    if workers > 1:
        store.close()
        os.environ["LIAISON_DB"] = cfg.db
        os.environ["LIAISON_READ_ONLY"] = "1" if read_only else "0"
        uvicorn.run("liaison.web.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                    log_level="warning")
    else:
        uvicorn.run(create_app(cfg.db, store=store, read_only=read_only), host=host, port=port, log_level="warning")


@app.command()
def search(query: str, db: Optional[str] = DbOption, limit: int = typer.Option(20, "--limit"),
           as_json: bool = JsonOption, as_csv: bool = CsvOption, as_nl: bool = NlOption):
    """Full-text search over the stored documents."""
    cfg = settings(db)
    store = open_store(cfg, create=False)
    found = store.search(query, limit=limit)
    if emit_rows([{k: r.get(k) for k in ("id", "published", "title", "snippet")} for r in found],
                 as_json, as_csv, as_nl):
        return
    table = Table("id", "published", "title", "snippet")
    for r in found:
        table.add_row(r["id"], str(r["published"] or ""), Text((r["title"] or "")[:50]), snippet_text(r["snippet"]))
    out.print(table)


from liaison.cli_curate import register as register_curation  # noqa: E402  (uses the helpers above)

register_curation(app)  # users, merge, split, correct, reject, confirm, distinct, undo, history, judgements

from liaison.cli_scale import load  # noqa: E402

app.command()(load)

from liaison.cli_analyze import analyze_app  # noqa: E402

app.add_typer(analyze_app, name="analyze")

from liaison.cli_admin import register as register_admin  # noqa: E402  (backup, restore)

register_admin(app)

from liaison.cli_report import report  # noqa: E402

app.command()(report)

from liaison.cli_web import watch  # noqa: E402

app.command()(watch)
