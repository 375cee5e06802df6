"""Scale: relevance routing, worker processes and Dask give the record a plain ingest gives."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest
from conftest import FIXTURES, ROOT, SHARED
from typer.testing import CliRunner

from liaison.cli import app
from liaison.export import record_dict
from liaison.ingest import prepare, read_paths
from liaison.ingest.relevance import NOT_ROUTED, Router
from liaison.pipeline import Writer, ingest
from liaison.store import Store

runner = CliRunner()


def firehose():
    spec = importlib.util.spec_from_file_location("firehose", ROOT / "benchmarks" / "firehose.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("firehose", module)
    spec.loader.exec_module(module)
    return module


def party_diplomacy_documents():
    folders = [FIXTURES / "articles", ROOT / "data" / "sample"]
    if (SHARED / "seeds").is_dir():
        folders.append(SHARED / "seeds")
    return [prepare(raw) for raw in read_paths([str(f) for f in folders], 5_000_000)]


@pytest.fixture(scope="module")
def router():
    return Router()


def test_router_sends_every_party_diplomacy_document_to_the_extractor(router):
    docs = party_diplomacy_documents()
    assert len(docs) >= 30
    missed = [(d.source, router.route(d.text, d.title).reason) for d in docs if not router.route(d.text, d.title).extract]
    recall = 1 - len(missed) / len(docs)
    assert recall >= 0.99, missed


def test_router_passes_over_most_other_news_and_says_why(router):
    lines = list(firehose().generate(600, share=0.05, seed=11))
    routes = [(line["topic"], router.route(line["text"], line["title"])) for line in lines]
    relevant = [r for topic, r in routes if topic == "diplomacy"]
    chosen = [topic for topic, r in routes if r.extract]
    assert len(relevant) == 30 and all(r.extract for r in relevant)
    precision = chosen.count("diplomacy") / len(chosen)
    assert precision >= 0.7, precision
    others = [r for topic, r in routes if topic != "diplomacy"]
    assert sum(not r.extract for r in others) / len(others) >= 0.9
    assert all(r.reason.startswith(NOT_ROUTED) for r in others if not r.extract)
    # the reason names what was found: a party without diplomacy is not enough
    route = router.route("Markets fell.\n\nThe ruling party's budget plan weighed on banks.")
    assert not route.extract and "ruling party" in route.reason
    route = router.route("Talks were held.\n\nThe Communist Party of Vietnam sent a delegation to Vientiane.")
    assert route.extract and "Communist Party of Vietnam" in route.reason


MARKETS = ("Shares slide in Tokyo\n\nShares in Tokyo fell sharply on Friday as exporters lost ground on a "
           "stronger yen, and the broader index closed at its lowest level in a month.\n")
TALKS = ("Lao and Vietnamese parties hold talks\n\nSenior officials of the Lao People's Revolutionary Party and the "
         "Communist Party of Vietnam met in Vientiane on Monday for talks on training party cadres.\n")


def test_routed_out_documents_are_stored_and_searchable_and_all_extracts_them(tmp_path):
    news = tmp_path / "news"
    news.mkdir()
    (news / "markets.txt").write_text(MARKETS, encoding="utf-8")
    (news / "talks.txt").write_text(TALKS, encoding="utf-8")
    db = tmp_path / "r.db"
    first = runner.invoke(app, ["ingest", str(news), "--db", str(db), "-q", "--workers", "1"])
    assert first.exit_code == 0, first.output
    assert "2 stored" in first.output and "1 stored without extraction" in first.output
    store = Store.open(str(db))
    assert store.stats()["skipped"] == 1
    markets = store.document(str(news / "markets.txt"))
    assert markets["status"] == "skipped" and markets["skip_reason"].startswith(NOT_ROUTED)
    assert any(r["id"] == markets["id"] for r in store.search("exporters"))
    again = runner.invoke(app, ["ingest", str(news), "--db", str(db), "-q", "--workers", "1"])
    assert "0 stored, 0 updated, 2 unchanged" in again.output
    forced = runner.invoke(app, ["ingest", str(news), "--db", str(db), "-q", "--all", "--workers", "1"])
    assert "0 stored, 1 updated, 1 unchanged" in forced.output, forced.output
    assert store.stats()["skipped"] == 0
    assert store.document(markets["id"])["status"] == "extracted"


def sorted_export(db: str) -> str:
    store = Store.open(db)
    data = record_dict(store)
    store.close()
    return "\n".join(sorted(json.dumps(data, sort_keys=True, ensure_ascii=False, indent=1).splitlines()))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The test articles and a small firehose (two JSON Lines files, one of them in Parquet too)."""
    folder = tmp_path_factory.mktemp("corpus")
    fh = firehose()
    lines = list(fh.generate(60, share=0.05, seed=3))
    with (folder / "firehose.jsonl").open("w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(json.dumps(line) + "\n")
    return [str(FIXTURES / "articles"), str(folder / "firehose.jsonl")]


@pytest.fixture(scope="module")
def plain_export(corpus, extractor, tmp_path_factory):
    db = str(tmp_path_factory.mktemp("plain") / "plain.db")
    store = Store.open(db)
    report = ingest(corpus, store, extractor, max_bytes=5_000_000, workers=1)
    store.close()
    assert report.counts["failed"] == 0 and report.routed_out >= 50
    return sorted_export(db)


def test_worker_processes_give_the_same_record_as_one_process(corpus, extractor, plain_export, tmp_path):
    db = str(tmp_path / "workers.db")
    store = Store.open(db)
    # small batches so that several are in flight in the pool at once
    report = ingest(corpus, store, extractor, max_bytes=5_000_000, workers=2, batch_size=3)
    store.close()
    assert report.counts["stored"] == 75
    assert sorted_export(db) == plain_export


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_record_as_a_plain_ingest(corpus, extractor, plain_export, tmp_path):
    pytest.importorskip("distributed")
    from liaison.distributed import ingest_on_dask

    db = str(tmp_path / "dask.db")
    store = Store.open(db)
    # LocalCluster, 2 worker processes; partitions of 8 files and 25 JSON lines, so several tasks run
    data_dir = extractor.nlp.get_pipe("liaison_entities").data_dir  # the workers load what the fixture loaded
    report = ingest_on_dask(corpus, Writer(store), "local", max_bytes=5_000_000, workers=2,
                            rows=25, files_per_partition=8, data_dir=data_dir)
    store.close()
    assert report.counts["stored"] == 75 and report.resolution is not None
    assert sorted_export(db) == plain_export


def test_shard_rows_bring_back_the_documents_and_facts_the_workers_found(extractor, tmp_path):
    from liaison.distributed import from_row, to_row
    from liaison.pipeline import Outcome

    docs = [prepare(raw) for raw in read_paths([str(FIXTURES / "articles" / "vientiane-talks.md")], 5_000_000)]
    (doc, facts), = extractor.extract_many(docs)
    assert facts.entities and facts.participations
    back_doc, back_facts = from_row(json.loads(json.dumps(to_row((doc, facts)))))
    assert back_doc == doc and back_facts == facts
    failure = from_row(to_row(Outcome("x.jsonl:3", "failed", "malformed JSON line")))
    assert failure == Outcome("x.jsonl:3", "failed", "malformed JSON line")
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["load", str(empty), "--db", str(tmp_path / "r.db")])
    assert result.exit_code == 2 and "holds no shards" in result.output
