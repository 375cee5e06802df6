"""Exports read back by their own ecosystems: pyarrow for Parquet, followthemoney for FtM, csv for events-csv."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from liaison.cli import app
from liaison.export import EVENTS_CSV_COLUMNS, record_dict

runner = CliRunner()


@pytest.fixture(scope="module")
def sample(tmp_path_factory, extractor):
    """The sample corpus ingested once: (database path, store, the record as the JSON export sees it)."""
    from liaison.pipeline import ingest
    from liaison.store import Store

    db = tmp_path_factory.mktemp("exports") / "sample.db"
    store = Store.open(str(db))
    ingest([str(ROOT / "data" / "sample")], store, extractor, max_bytes=5_000_000)
    yield str(db), store, record_dict(store)
    store.close()


def texts(store) -> dict[str, str]:
    return {d["id"]: store.document(d["id"])["text"] for d in store.documents(limit=10**6)}


def test_parquet_has_one_file_per_table_with_the_record_rows_and_columns(sample, tmp_path):
    import pyarrow.parquet as pq

    db, _, data = sample
    result = runner.invoke(app, ["export", "--db", db, "--format", "parquet", "-o", str(tmp_path / "pq")])
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in (tmp_path / "pq").glob("*.parquet")) == sorted(data)
    for name, rows in data.items():
        table = pq.read_table(tmp_path / "pq" / f"{name}.parquet")
        assert table.num_rows == len(rows) > 0, name
        expected = [c for k in rows[0] for c in (("start", "end") if k == "span" else (k,))]
        assert table.column_names == expected, name
    events = pq.read_table(tmp_path / "pq" / "events.parquet").to_pylist()
    by_id = {e["id"]: e for e in data["events"]}
    for e in events:
        source = by_id[e["id"]]
        assert e["start"] == (date.fromisoformat(source["start"]) if source["start"] else None)
        assert e["aliases"] == source["aliases"]
        assert [(x["document"], x["start"], x["end"]) for x in e["evidence"]] == \
               [(x["document"], *x["span"]) for x in source["evidence"]]
    quotes = pq.read_table(tmp_path / "pq" / "quotes.parquet").to_pylist()
    assert [(q["document"], q["start"], q["end"], q["text"]) for q in quotes] == \
           [(q["document"], *q["span"], q["text"]) for q in data["quotes"]]


def test_an_empty_record_still_writes_typed_parquet_tables(tmp_path):
    import pyarrow.parquet as pq

    from liaison.export import write_parquet
    from liaison.store import Store

    store = Store.open(str(tmp_path / "empty.db"))
    counts = write_parquet(store, tmp_path / "pq")
    store.close()
    assert set(counts.values()) == {0}
    assert str(pq.read_schema(tmp_path / "pq" / "events.parquet").field("start").type) == "date32[day]"


def test_ftm_lines_parse_back_into_valid_entities_that_reference_each_other(sample, tmp_path):
    from followthemoney import model

    db, store, data = sample
    path = tmp_path / "record.ftm.jsonl"
    result = runner.invoke(app, ["export", "--db", db, "--format", "ftm", "-o", str(path)])
    assert result.exit_code == 0, result.output
    proxies = [model.get_proxy(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()]
    by_id = {p.id: p for p in proxies}
    assert len(by_id) == len(proxies)
    for p in proxies:
        assert p.schema.validate(p.to_dict()) is None, p.id
        for prop, value in p.itervalues():
            if prop.type.name == "entity":
                assert value in by_id, f"{p.id}.{prop.name} points at a missing entity {value}"
                assert by_id[value].schema.is_a(prop.range), f"{p.id}.{prop.name} → {by_id[value].schema.name}"

    def of(schema):
        return [p for p in proxies if p.schema.name == schema]

    assert {p.id for p in of("Article")} == {d["id"] for d in data["documents"]}
    assert {p.id for p in of("Event")} == {e["id"] for e in data["events"]}
    kinds = {"person": "Person", "party": "Organization", "organization": "Organization", "country": "PublicBody",
             "place": "Address"}
    for e in data["entities"]:
        assert by_id[e["id"]].schema.name == kinds[e["type"]], e["id"]
        assert e["name"] in by_id[e["id"]].get("name")
    assert all("pol.party" in by_id[e["id"]].get("topics") for e in data["entities"] if e["type"] == "party")

    links = of("UnknownLink")
    assert sorted((p.first("object"), p.first("subject"), p.first("role")) for p in links) == \
           sorted((p["event"], p["entity"], p["role"]) for p in data["participations"])
    text = texts(store)
    for link in links:
        docs = link.get("proof")
        assert docs and all(by_id[d].schema.name == "Article" for d in docs)
        doc, span = link.first("recordId").split(":")
        start, end = map(int, span.split("-"))
        assert text[doc][start:end] in link.first("summary")   # the evidence sentence holds the span
        assert link.first("subject") in by_id[link.first("object")].get("involved") or \
            by_id[link.first("subject")].schema.name == "Address"
    summit = next(p for p in of("Event") if p.first("startDate") == "2021-07-06")
    assert summit.get("organizer") and summit.get("sourceUrl")
    assert all(u.startswith("https://") for p in proxies for u in p.get("sourceUrl"))


def test_events_csv_is_one_row_per_participation_with_its_evidence(sample, tmp_path):
    db, store, data = sample
    path = tmp_path / "events.csv"
    result = runner.invoke(app, ["export", "--db", db, "--format", "events-csv", "-o", str(path)])
    assert result.exit_code == 0, result.output
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames[:8] == ["date", "event", "kind", "country", "actor", "actor_country", "role",
                                     "source_count"]
    assert reader.fieldnames == EVENTS_CSV_COLUMNS
    assert len(rows) == len(data["participations"])
    assert sorted((r["event_id"], r["actor_id"], r["role"]) for r in rows) == \
           sorted((p["event"], p["entity"], p["role"]) for p in data["participations"])
    dated = [r["date"] for r in rows if r["date"]]
    assert dated == sorted(dated) and all(date.fromisoformat(d) for d in dated)
    events = {e["id"]: e for e in data["events"]}
    text = texts(store)
    for r in rows:
        assert r["event"] == events[r["event_id"]]["name"]
        assert int(r["source_count"]) == len(r["documents"].split(" | ")) >= 1
        doc, span = r["evidence"].split(" | ")[0].split(":")
        start, end = map(int, span.split("-"))
        assert text[doc][start:end] in r["evidence_text"]
    # a country is shown on its event, never as an actor: the sample's trip to three countries
    assert not any(r["actor_type"] == "country" for r in rows)
    (trip,) = [e for e in data["events"] if e["countries"] == ["JPN", "KOR", "MNG"]]
    assert trip["country"] is None and trip["kind"] == "visit"
    assert {r["country"] for r in rows if r["event_id"] == trip["id"]} == {"JPN | KOR | MNG"}


def test_export_names_the_problem_with_a_bad_format_or_a_missing_folder(sample):
    db = sample[0]
    result = runner.invoke(app, ["export", "--db", db, "--format", "xml"])
    assert result.exit_code == 2 and "unknown format 'xml'" in result.output
    assert all(f in result.output for f in ("parquet", "ftm", "events-csv"))
    result = runner.invoke(app, ["export", "--db", db, "--format", "parquet"])
    assert result.exit_code == 2 and "writes a folder" in result.output


def test_a_record_left_unresolved_is_not_exported_as_if_it_were_whole(tmp_path, extractor):
    from liaison.pipeline import ingest
    from liaison.store import Store

    db = tmp_path / "half.db"
    store = Store.open(str(db))
    ingest([str(ROOT / "data" / "sample")], store, extractor, max_bytes=5_000_000, resolve_after=False)
    store.close()  # as after a kill between storing and resolving
    out = tmp_path / "record.json"
    refused = runner.invoke(app, ["export", "--db", str(db), "-o", str(out)])
    assert refused.exit_code == 2 and "liaison resolve" in refused.output and not out.exists()
    partial = runner.invoke(app, ["export", "--db", str(db), "-o", str(out), "--partial"])
    assert partial.exit_code == 0
    assert all(p["event"] and p["entity"] for p in json.loads(out.read_text())["participations"])
    assert runner.invoke(app, ["resolve", "--db", str(db)]).exit_code == 0
    whole = runner.invoke(app, ["export", "--db", str(db), "-o", str(out)])
    assert whole.exit_code == 0 and json.loads(out.read_text())["events"]


def test_show_finds_a_person_party_or_event_by_name_and_suggests_near_spellings(sample):
    db = sample[0]
    by_name = runner.invoke(app, ["show", "xi jinping", "--db", db])
    assert by_name.exit_code == 0 and "per-xi-jinping" in by_name.output
    by_alias = runner.invoke(app, ["show", "CPC", "--db", db])
    assert by_alias.exit_code == 0 and "Communist Party of China" in by_alias.output
    typo = runner.invoke(app, ["show", "Xi Jinpin", "--db", db])
    assert typo.exit_code == 1 and "did you mean" in typo.output and "per-xi-jinping" in typo.output


def test_listings_print_json_csv_and_json_lines_for_other_tools(sample):
    db, _, data = sample
    events = json.loads(runner.invoke(app, ["events", "--db", db, "--json", "--limit", "100"]).output)
    assert {e["id"] for e in events} == {e["id"] for e in data["events"]}
    lines = runner.invoke(app, ["entities", "--db", db, "--nl", "--type", "party"]).output.splitlines()
    assert lines and all(json.loads(line)["type"] == "party" for line in lines)
    rows = list(csv.DictReader(runner.invoke(app, ["documents", "--db", db, "--csv"]).output.splitlines()))
    assert {r["id"] for r in rows} == {d["id"] for d in data["documents"]}
    found = json.loads(runner.invoke(app, ["search", "summit", "--db", db, "--json"]).output)
    assert found and all({"id", "title", "snippet"} <= set(r) for r in found)


def test_a_listing_piped_to_a_file_is_not_cut_to_eighty_columns(sample, tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    piped = subprocess.run([sys.executable, "-m", "liaison", "events", "--db", sample[0], "--limit", "30"],
                           capture_output=True, text=True, env=env, check=True).stdout
    assert "CPC in Dialogue with World Political Parties High-Level Meeting" in piped  # whole, not "CPC in D…"
