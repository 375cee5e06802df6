"""`liaison ingest`, `extract`, `stats`, `documents`, `show` as a user runs them."""

from __future__ import annotations

import json
import shutil

import pytest
import sqlalchemy as sa
from conftest import FIXTURES, ROOT
from typer.testing import CliRunner

from liaison.cli import app
from liaison.store import Store
from liaison.store.schema import documents, ingest_log

runner = CliRunner()
ARTICLE = ("Lao and Vietnamese parties hold talks\n\n"
           "Senior officials of the Lao People's Revolutionary Party and the Communist Party of Vietnam met in "
           "Vientiane on Monday for talks on training party cadres, according to a statement issued afterwards.\n")


def run(*args):
    result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
    return result


def test_bad_inputs_are_named_good_ones_stored_and_exit_status_is_nonzero(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (corpus / "blob.txt").write_bytes(b"\x00\x01\x02" * 200)
    (corpus / "empty.md").write_text("")
    (corpus / "latin.txt").write_bytes(ARTICLE.replace("Monday", "Monday at the caf\xe9").encode("latin-1"))
    (corpus / "wire.jsonl").write_text(
        json.dumps({"id": "w1", "text": ARTICLE.replace("Monday", "Tuesday")}) + "\n{broken\n", encoding="utf-8")
    db = tmp_path / "r.db"
    result = run("ingest", corpus, "--db", db)
    assert result.exit_code == 1
    out = result.output
    assert "blob.txt: binary file" in out
    assert "empty.md: empty file" in out
    assert "wire.jsonl:2: malformed JSON line" in out
    assert "latin.txt: not valid UTF-8" in out and "decoded as" in out
    store = Store.open(str(db))
    with store.engine.connect() as conn:
        stored = sorted(r[0].rsplit("/", 1)[-1] for r in conn.execute(sa.select(documents.c.source)))
        failed = sorted(r[0].rsplit("/", 1)[-1] for r in conn.execute(
            sa.select(ingest_log.c.source).where(ingest_log.c.status == "failed")))
    assert stored == ["good.txt", "latin.txt", "wire.jsonl#w1"]
    assert failed == ["blob.txt", "empty.md", "wire.jsonl:2"]


def test_second_ingest_is_unchanged_and_force_reextracts(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    db = tmp_path / "r.db"
    assert run("ingest", tmp_path / "a.txt", "--db", db).exit_code == 0
    again = run("ingest", tmp_path / "a.txt", "--db", db, "-q")
    assert "0 stored, 0 updated, 1 unchanged" in again.output
    forced = run("ingest", tmp_path / "a.txt", "--db", db, "-q", "--force")
    assert "1 updated" in forced.output
    copy = tmp_path / "copy.txt"
    shutil.copy(tmp_path / "a.txt", copy)
    dup = run("ingest", copy, "--db", db, "-q")
    assert "1 duplicate" in dup.output
    twins = tmp_path / "twins"
    twins.mkdir()
    for name in ("one.txt", "two.txt"):  # the same text twice in one run
        (twins / name).write_text(ARTICLE.replace("Monday", "Tuesday"), encoding="utf-8")
    assert "1 stored, 0 updated, 0 unchanged, 1 duplicate" in run("ingest", twins, "--db", db, "-q").output


def test_nothing_already_stored_is_lost_when_a_later_batch_fails(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    db = tmp_path / "r.db"
    run("ingest", tmp_path / "a.txt", "--db", db)
    (tmp_path / "bad.jsonl").write_text("{nope\n")
    assert run("ingest", tmp_path / "bad.jsonl", "--db", db).exit_code == 1
    assert Store.open(str(db)).stats()["documents"] == 1


def test_near_duplicate_wire_copy_is_linked_not_counted_twice(tmp_path):
    body = ARTICLE + ("The two delegations agreed to expand exchanges of officials, to hold a joint seminar on "
                      "party building every year and to cooperate on training programmes for young cadres.\n")
    (tmp_path / "a.txt").write_text(body, encoding="utf-8")
    edited = body.replace("on Monday", "earlier this week").replace("every year", "annually")
    (tmp_path / "b.txt").write_text(edited, encoding="utf-8")
    (tmp_path / "c.txt").write_text("Markets rallied\n\nShares in Tokyo rose sharply on Friday as exporters "
                                    "gained on a weaker yen and strong earnings from carmakers.", encoding="utf-8")
    db = tmp_path / "r.db"
    run("ingest", tmp_path, "--db", db)
    store = Store.open(str(db))
    rows = {r["source"].rsplit("/", 1)[-1]: r for r in store.documents()}
    assert rows["b.txt"]["near_duplicate_of"] == rows["a.txt"]["id"]
    assert rows["a.txt"]["near_duplicate_of"] is None and rows["c.txt"]["near_duplicate_of"] is None
    assert store.stats()["near_duplicates"] == 1


def test_extract_writes_the_interchange_format(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run("extract", tmp_path / "a.txt", "-o", out)
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(x) for x in out.read_text().splitlines()]
    assert line["source"].endswith("a.txt") and line["title"] == "Lao and Vietnamese parties hold talks"
    for key in ("entities", "events", "participations", "quotes", "figures"):
        assert isinstance(line[key], list)
    for entity in line["entities"]:
        for start, end in entity["mentions"]:
            assert line["text"][start:end] in [entity["name"], *entity["aliases"]]
    assert any(e["type"] == "place" and e["name"] == "Vientiane" for e in line["entities"])


def test_stats_documents_show_search(tmp_path):
    db = tmp_path / "r.db"
    run("ingest", FIXTURES / "messy", "--db", db)
    stats = run("stats", "--db", db, "--json")
    assert json.loads(stats.output)["documents"] == 3
    listing = run("documents", "--db", db, "--from", "2019-01-01")
    assert "Party leaders from Laos" in listing.output and "Socialist" not in listing.output
    store = Store.open(str(db))
    doc_id = store.documents(since=None)[0]["id"]
    shown = run("show", doc_id[:8], "--db", db)
    assert shown.exit_code == 0 and "source:" in shown.output
    laos = [d for d in store.documents() if "Laos" in (d["title"] or "")][0]
    found = run("search", "seminar", "--db", db).output
    assert laos["id"] in found and "seminar" in found
    assert laos["id"] not in run("search", "Cartagena", "--db", db).output
    assert run("show", "nope", "--db", db).exit_code == 1
    assert run("documents", "--db", db, "--from", "last week").exit_code == 2


def test_missing_spacy_model_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("LIAISON_SPACY_MODEL", "en_core_web_nonexistent")
    (tmp_path / "a.txt").write_text(ARTICLE)
    result = run("extract", tmp_path / "a.txt")
    assert result.exit_code == 2
    assert "en_core_web_nonexistent" in result.output and "not installed" in result.output


def test_missing_data_folder_is_a_clear_error(tmp_path):
    result = run("extract", tmp_path, "--data", tmp_path / "nowhere")
    assert result.exit_code == 2 and "data folder" in result.output


def test_sample_corpus_ingests_cleanly(tmp_path):
    result = run("ingest", ROOT / "data" / "sample", "--db", tmp_path / "s.db", "-q")
    assert result.exit_code == 0, result.output
    assert "extraction error" not in result.output and "warning" not in result.output
    stats = Store.open(str(tmp_path / "s.db")).stats()
    assert 15 <= stats["documents"] <= 25
    assert stats["failures"] == 0
    assert len(stats["outlets"]) >= 5


def test_a_source_ingested_again_with_another_text_keeps_its_earlier_text(tmp_path):
    from typer.testing import CliRunner

    from liaison.cli import app

    runner = CliRunner()
    first = tmp_path / "first.jsonl"
    first.write_text(json.dumps({"url": "https://example.org/talks", "title": "Talks in Hanoi",
                                 "text": "Delegations of two ruling parties held talks in Hanoi on Monday and "
                                         "signed a plan for party exchanges."}) + "\n", encoding="utf-8")
    other = tmp_path / "other.jsonl"  # another input naming the same address, with another text
    other.write_text(json.dumps({"url": "https://example.org/talks", "title": "Something else",
                                 "text": "A different text about a party congress in Lima, claiming the same "
                                         "address as the talks."}) + "\n", encoding="utf-8")
    db = str(tmp_path / "rev.db")
    assert runner.invoke(app, ["ingest", str(first), "--db", db, "-q"]).exit_code == 0
    result = runner.invoke(app, ["ingest", str(other), "--db", db, "-q"])
    assert "1 updated" in result.output and "kept as revision 1" in result.output, result.output
    shown = runner.invoke(app, ["show", "https://example.org/talks", "--db", db])
    assert "Lima" in shown.output and "revision 1 stored" in shown.output
    earlier = runner.invoke(app, ["show", "https://example.org/talks", "--db", db, "--revision", "1"])
    assert earlier.exit_code == 0 and "Talks in Hanoi" in earlier.output and "held talks in Hanoi" in earlier.output
    # the same text again (--force) keeps no new revision
    runner.invoke(app, ["ingest", str(other), "--db", db, "-q", "--force"])
    assert "revision 2" not in runner.invoke(app, ["show", "https://example.org/talks", "--db", db]).output


def test_the_loser_of_a_race_to_store_a_text_counts_it_unchanged_not_updated(tmp_path, extractor):
    from liaison.ingest import prepare
    from liaison.model import RawDocument
    from liaison.pipeline import Writer, store_one

    text = ("Delegations of the ruling parties of Laos and Vietnam met in Vientiane on Monday and signed a "
            "plan for party cadre exchanges until 2027.")
    doc = prepare(RawDocument(source="wire/laos.txt", body=text, format="text"))
    facts = extractor.extract(doc)
    store = Store.open(str(tmp_path / "race.db"))
    try:
        writer = Writer(store)
        assert writer.screen(doc)  # looked up: not stored yet
        store_one(store, doc, facts)  # meanwhile another ingest stores the very same text
        writer.write(doc, facts)
        report = writer.finish(resolve_after=False)  # the batch insert fails on the unique source
        assert report.counts["unchanged"] == 1 and not report.counts["updated"], report.counts
        with store.engine.connect() as conn:
            assert [r.message for r in conn.execute(sa.select(ingest_log.c.message))] == \
                   ["stored meanwhile by another run"]
    finally:
        store.close()


def test_a_mistyped_path_is_an_error_before_any_database_is_made_and_version_and_backup_folders(tmp_path):
    runner = CliRunner()
    db = tmp_path / "never.db"
    result = runner.invoke(app, ["ingest", str(tmp_path / "smaple"), "--db", str(db)])
    assert result.exit_code == 2 and "no such file or folder" in result.output and not db.exists()
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and version.output.startswith("liaison ")
    (tmp_path / "a.txt").write_text("Two ruling parties held talks in Hanoi on Monday and signed a plan.")
    assert runner.invoke(app, ["ingest", str(tmp_path / "a.txt"), "--db", str(db), "-q"]).exit_code == 0
    copy = tmp_path / "backups" / "deep" / "copy.db"  # folders that do not exist yet
    result = runner.invoke(app, ["backup", str(copy), "--db", str(db)])
    assert result.exit_code == 0 and copy.exists(), result.output


def test_an_article_in_another_language_is_stored_and_the_summary_says_it_was_not_analysed(tmp_path):
    spanish = tmp_path / "foro.md"
    spanish.write_text("Los partidos políticos de América Latina se reunieron en Caracas el domingo para el Foro "
                       "de São Paulo, y los delegados aprobaron una declaración final.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(spanish), "--db", str(tmp_path / "es.db"), "-q"])
    assert result.exit_code == 0 and "1 stored" in result.output
    assert "1 stored without extraction: not in English" in result.output
