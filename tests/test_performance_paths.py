"""The fast paths of ingest stay correct: batched writes, the raw-hash skip, the near-duplicate cap.

Nothing here measures time (the benchmarks do); each test checks what is stored and logged.
"""

from __future__ import annotations

import sqlalchemy as sa

from liaison import pipeline
from liaison.ingest import content_hash, minhash
from liaison.model import Document, DocumentFacts, EntityFact
from liaison.pipeline import Writer, ingest, store_one
from liaison.store import Store
from liaison.store.schema import document_signatures, documents, ingest_log

# Off-topic stories in my own words: the router passes over them, so ingest needs no spaCy parse.
STORIES = {
    "rain.txt": "Heavy showers crossed the valley on Tuesday and the river at Brackton rose by two metres. "
                "Road crews closed the lower bridge while engineers checked its supports.",
    "match.txt": "Holby Rangers won three goals to one at home, their fourth win in a row, and climbed "
                 "to second place in the table after a late strike from their captain.",
    "shares.txt": "Shares in a cement maker fell sharply after it warned that a cold winter had slowed "
                  "building work and cut its sales for the quarter by a fifth.",
}


def doc(source: str, text: str, **kw) -> Document:
    return Document(source=source, text=text, content_hash=content_hash(text), language="en", **kw)


def words(n: int, start: int = 0) -> str:
    return " ".join(f"word{i}" for i in range(start, start + n))


def log_rows(store: Store, run_id: str) -> list[dict]:
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(ingest_log).where(ingest_log.c.run_id == run_id)
                                              .order_by(ingest_log.c.id)).mappings()]


def test_a_document_the_store_refuses_costs_only_itself(store):
    writer = Writer(store)
    facts = DocumentFacts(extractor="test/1", entities=[EntityFact("e1", "party", "Some Party", mentions=[(0, 4)])])
    for n in range(5):
        # the third has a date no backend accepts: its batch fails and is stored again one by one
        published = "not a date" if n == 2 else None
        item = doc(f"s{n}.txt", f"Story number {n}. " + words(30, n * 100), published=published)
        assert writer.screen(item)
        writer.write(item, facts)
    writer.emit(pipeline.Outcome("broken.txt", "failed", "could not read"))
    report = writer.finish(resolve_after=False)
    assert report.counts["stored"] == 4 and report.counts["failed"] == 2
    failed = [o for o in report.failures if o.source == "s2.txt"]
    assert failed and failed[0].message.startswith("could not store")
    stored = {d["source"] for d in store.documents(limit=100)}
    assert stored == {"s0.txt", "s1.txt", "s3.txt", "s4.txt"}
    for source in stored:  # each with its facts
        assert store.document(source)["entities"][0]["name"] == "Some Party"
    rows = log_rows(store, report.run_id)
    assert [r["source"] for r in rows] == ["s0.txt", "s1.txt", "s2.txt", "s3.txt", "s4.txt", "broken.txt"]
    assert [r["status"] for r in rows] == ["stored", "stored", "failed", "stored", "stored", "failed"]


def test_batched_writes_store_what_one_by_one_writes_store(tmp_path):
    """Same ids, statuses and near-duplicate links, in a batch as one document at a time, including
    near-duplicates inside one batch, an update and a source seen twice in one run."""
    base = words(80)
    items = [doc("a.txt", base), doc("b.txt", base + " " + words(4, 500)),  # b is a near-duplicate of a
             doc("c.txt", words(80, 1000)), doc("a.txt", base + " " + words(6, 700)),  # a again: an update
             doc("d.txt", words(80, 1000) + " tail")]  # d is a near-duplicate of c
    facts = DocumentFacts(extractor="test/1")
    one = Store.open(str(tmp_path / "one.db"))
    expected = [store_one(one, item, facts) for item in items]
    batched = Store.open(str(tmp_path / "batch.db"))
    writer = Writer(batched)
    for item in items:
        writer.write(item, facts)
    report = writer.finish(resolve_after=False)
    got = [r for r in log_rows(batched, report.run_id)]
    assert [(o.status, o.document_id, o.message) for o in expected] == \
           [(r["status"], r["document_id"], r["message"]) for r in got]
    assert [o.status for o in expected] == ["stored", "stored", "stored", "updated", "stored"]
    assert expected[1].message.startswith("near-duplicate of " + expected[0].document_id)
    assert expected[4].message.startswith("near-duplicate of " + expected[2].document_id)
    for s in (one, batched):
        with s.engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(document_signatures)).scalar_one() == 4
        s.close()


def test_unchanged_input_is_skipped_before_cleaning(tmp_path, extractor, monkeypatch):
    folder = tmp_path / "news"
    folder.mkdir()
    for name, text in STORIES.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
    cleaned = []
    real_prepare = pipeline.prepare
    monkeypatch.setattr(pipeline, "prepare", lambda raw: cleaned.append(raw.source) or real_prepare(raw))
    store = Store.open(str(tmp_path / "r.db"))

    def run(**kw):
        cleaned.clear()
        return ingest([str(folder)], store, extractor, max_bytes=1_000_000, workers=1, **kw)

    assert run().counts["stored"] == 3 and len(cleaned) == 3
    again = run()
    assert again.counts["unchanged"] == 3 and cleaned == []  # known by the raw hash, not cleaned
    assert again.words == sum(len(t.split()) for t in STORIES.values())

    (folder / "rain.txt").write_text(STORIES["rain.txt"] + " The bridge reopened on Friday.\n", encoding="utf-8")
    changed = run()
    assert changed.counts["updated"] == 1 and changed.counts["unchanged"] == 2
    assert [s.rsplit("/", 1)[-1] for s in cleaned] == ["rain.txt"]

    forced = run(force=True)  # --force cleans and stores everything again
    assert forced.counts["updated"] == 3 and len(cleaned) == 3

    # a record from before migration 9 has no raw hashes: one run cleans and records them
    with store.engine.begin() as conn:
        conn.execute(documents.update().values(raw_hash=None))
    assert run().counts["unchanged"] == 3 and len(cleaned) == 3
    assert run().counts["unchanged"] == 3 and cleaned == []
    store.close()


def test_near_duplicate_candidates_are_capped_likeliest_first(store, monkeypatch):
    assert minhash.best_candidates(["x", "y", "y", "z", "z", "z", "w"], 2) == ["z", "y"]
    assert minhash.best_candidates(["b", "a"], 5) == ["a", "b"]  # ties by id
    # a swarm: 12 stored variants of one story, then one more
    story = words(60)
    writer = Writer(store)
    for n in range(12):
        writer.write(doc(f"v{n}.txt", story + " " + words(3, 1000 + 10 * n)), DocumentFacts(extractor="t"))
    writer.finish(resolve_after=False)
    new = doc("new.txt", story + " " + words(3, 5000))
    sig = minhash.signature(new.text)
    compared = []
    real_similarity = minhash.similarity
    monkeypatch.setattr(minhash, "similarity", lambda a, b: compared.append(1) or real_similarity(a, b))
    capped = store.near_duplicate(sig, minhash.bands(sig), minhash.NEAR_DUPLICATE, max_candidates=3)
    assert len(compared) == 3  # not 12
    assert capped is not None and capped[1] >= minhash.NEAR_DUPLICATE  # found among the likeliest
    compared.clear()
    store.near_duplicate(sig, minhash.bands(sig), minhash.NEAR_DUPLICATE)
    assert len(compared) == 12  # under the default cap (MAX_CANDIDATES) every candidate is compared
    compared.clear()
    saved = store.save_many([(new, DocumentFacts(extractor="t"), sig, minhash.bands(sig))], max_candidates=3)
    assert len(compared) == 3 and saved[0].near_duplicate_of[1] >= minhash.NEAR_DUPLICATE
    # in the batch the writer stored, each variant was linked to an earlier one
    stored = {d["source"]: d for d in store.documents(limit=100)}
    assert stored["v0.txt"]["near_duplicate_of"] is None
    assert all(stored[f"v{n}.txt"]["near_duplicate_of"] for n in range(1, 12))


def test_a_source_read_twice_in_one_run_is_compared_with_its_first_copy(tmp_path, extractor):
    import json

    lines = [{"id": "same", "title": "Rain", "text": STORIES["rain.txt"]},
             {"id": "other", "title": "Match", "text": STORIES["match.txt"]},
             {"id": "same", "title": "Rain", "text": STORIES["rain.txt"]},
             {"id": "same", "title": "Rain", "text": STORIES["rain.txt"] + " The bridge reopened."}]
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    store = Store.open(str(tmp_path / "twice.db"))
    report = ingest([str(path)], store, extractor, max_bytes=1_000_000, workers=1)
    assert [r["status"] for r in log_rows(store, report.run_id)] == ["stored", "stored", "unchanged", "updated"]
    store.close()
