"""CLI pieces for scale: how `liaison ingest` runs (one process, worker processes, Dask) and `liaison load`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.text import Text

from liaison.cli import DbOption  # this module is registered at the end of liaison.cli


def run_ingest_command(paths, store, extractor, cfg, *, force, on_outcome, extract_all, workers, dask, shards,
                       fetcher=None):
    """The ingest `liaison ingest` asked for: plain, with worker processes, or on Dask."""
    from liaison.cli import err
    from liaison.pipeline import Writer, available_cores, ingest

    if shards is not None and not dask:
        err.print(Text("error: ", style="red") + Text("--shards writes what Dask workers extract: give --dask too"))
        raise typer.Exit(2)
    if dask:
        from liaison.distributed import ingest_on_dask

        writer = Writer(store, force=force, extract_all=extract_all, on_outcome=on_outcome)
        try:
            report = ingest_on_dask(paths, writer, dask, max_bytes=cfg.max_bytes, extract_all=extract_all,
                                  spacy_model=cfg.spacy_model, data_dir=cfg.data_dir, workers=workers,
                                  shards=shards,
                                  on_shard=lambda r: err.print(f"{r['documents']} documents, {r['failed']} failed → {r['shard']}"))
        except (ValueError, OSError) as exc:
            err.print(Text("error: ", style="red") + Text(str(exc)))
            raise typer.Exit(2) from None
        if shards is None:
            return report
        from liaison.cli import out

        out.print(f"shards written to {shards}/ in {report.seconds:.1f}s; merge them with "
                  f"`liaison load {shards} --db {cfg.db}`")
        store.close()
        raise typer.Exit(1 if report.counts["failed"] else 0)
    return ingest(paths, store, extractor, max_bytes=cfg.max_bytes, force=force, on_outcome=on_outcome,
                  extract_all=extract_all, workers=workers or available_cores(), fetcher=fetcher)


def load(
    folder: Path = typer.Argument(..., help="a folder of Parquet shards from `liaison ingest --dask … --shards FOLDER`"),
    db: Optional[str] = DbOption,
    force: bool = typer.Option(False, "--force", help="replace documents that are already stored"),
):
    """Merge Parquet shards written by Dask workers into the store, then resolve once."""
    from liaison.cli import err, open_store, out, settings
    from liaison.distributed import load_shards
    from liaison.pipeline import Writer

    cfg = settings(db)
    store = open_store(cfg)
    writer = Writer(store, force=force)
    try:
        report = load_shards(folder, writer)
    except FileNotFoundError as exc:
        err.print(Text("error: ", style="red") + Text(str(exc)))
        raise typer.Exit(2) from None
    c = report.counts
    out.print(f"{report.documents} documents from {folder} in {report.seconds:.1f}s: {c['stored']} stored, "
              f"{c['updated']} updated, {c['unchanged']} unchanged, {c['duplicate']} duplicate, {c['failed']} failed")
    if report.resolution is not None:
        r = report.resolution
        out.print(f"resolved: {r.entities} entities, {r.events} events in {r.series} series")
    store.close()
    if c["failed"]:
        raise typer.Exit(1)
