"""The store: the same behaviour on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from liaison.ingest import content_hash
from liaison.model import Document, DocumentFacts, EntityFact, EventFact, FigureFact, ParticipationFact, QuoteFact
from liaison.store import Store
from liaison.store import migrations
from liaison.store.schema import doc_entities, documents, figures, mentions


def make_doc(source="a.txt", text="The Communist Party of Vietnam met the Lao party in Vientiane.", **kw):
    return Document(source=source, text=text, content_hash=content_hash(text), title="Parties meet",
                    published=date(2019, 3, 3), language="en", **kw)


def make_facts():
    return DocumentFacts(
        extractor="test/1",
        entities=[EntityFact("e1", "party", "Communist Party of Vietnam", mentions=[(4, 30)], country="VNM"),
                  EntityFact("e2", "place", "Vientiane", mentions=[(51, 60)])],
        events=[EventFact("v1", "meeting", "party talks", start="2019-03-02", mentions=[(31, 34)])],
        participations=[ParticipationFact("v1", "e1", "attendee", (0, 61))],
        quotes=[QuoteFact("e1", "We met", (0, 6), "v1")],
        figures=[FigureFact(2.0, "parties", (0, 10), "more than")],
    )


def test_save_then_read_back_everything(store):
    result = store.save(make_doc(), make_facts())
    assert result.status == "stored"
    doc = store.document(result.document_id)
    assert doc["title"] == "Parties meet" and doc["published"] == date(2019, 3, 3)
    assert [e["name"] for e in doc["entities"]] == ["Communist Party of Vietnam", "Vientiane"]
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(mentions.c.text, mentions.c.start, mentions.c.end)).all()
    assert ("Communist Party of Vietnam", 4, 30) in rows
    stats = store.stats()
    assert (stats["documents"], stats["events"], stats["quotes"], stats["figures"]) == (1, 1, 1, 1)
    assert stats["entities_by_type"] == {"party": 1, "place": 1}


def test_resaving_a_source_replaces_its_facts_and_keeps_its_id(store):
    first = store.save(make_doc(), make_facts())
    changed = make_doc(text="The Communist Party of Vietnam met the Lao party in Vientiane again.")
    second = store.save(changed, make_facts())
    assert second.status == "updated" and second.document_id == first.document_id
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(documents)).scalar_one() == 1
        assert conn.execute(sa.select(sa.func.count()).select_from(doc_entities)).scalar_one() == 2


def test_lookup_finds_by_source_and_by_content(store):
    doc = make_doc()
    store.save(doc, make_facts())
    by_source, by_hash = store.lookup("other.txt", doc.content_hash)
    assert by_source is None and by_hash["source"] == "a.txt"


def test_a_failure_mid_document_stores_nothing_of_it(store, monkeypatch):
    store.save(make_doc(source="kept.txt", text="A first document that is kept."), make_facts())

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "_insert_facts", boom)
    with pytest.raises(RuntimeError):
        store.save(make_doc(source="lost.txt"), make_facts())
    with store.engine.connect() as conn:
        sources = [r[0] for r in conn.execute(sa.select(documents.c.source))]
        assert sources == ["kept.txt"]
        assert conn.execute(sa.select(sa.func.count()).select_from(figures)).scalar_one() == 1


def test_full_text_search_finds_words_and_ranks(store):
    store.save(make_doc(source="a.txt", text="Delegates of the Socialist International met in Cartagena."),
               DocumentFacts(extractor="t"))
    store.save(make_doc(source="b.txt", text="The Communist Party of Vietnam hosted talks in Hanoi."),
               DocumentFacts(extractor="t"))
    hits = store.search("Cartagena")
    assert len(hits) == 1 and "Cartagena" in hits[0]["snippet"]
    assert store.search("hosting talks")[0]["title"] == "Parties meet"  # stemmed
    assert store.search("nothing-like-this") == []
    assert store.search("') OR 1=1 --") == []  # user text never becomes SQL


def test_documents_filter_by_outlet_and_date(store):
    store.save(make_doc(source="a.txt", text="one", outlet="Wire A"), DocumentFacts(extractor="t"))
    store.save(make_doc(source="b.txt", text="two", outlet="Wire B"), DocumentFacts(extractor="t"))
    assert [d["source"] for d in store.documents(outlet="wire b")] == ["b.txt"]
    assert store.documents(since=date(2020, 1, 1)) == []
    assert len(store.documents(until=date(2019, 3, 3))) == 2


def test_migrations_are_recorded_and_run_once(db_url):
    s = Store.open(db_url)
    assert migrations.upgrade(s.engine) == []
    with s.engine.connect() as conn:
        versions = [r[0] for r in conn.execute(sa.select(migrations.schema_migrations.c.version))]
    assert versions == [n for n, _, _ in migrations.MIGRATIONS]
    s.close()


def test_open_missing_sqlite_file_without_create_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match="liaison ingest"):
        Store.open(str(tmp_path / "none.db"), create=False)


def test_quote_search_finds_words_with_their_speakers(store):
    from liaison.resolve import resolve

    text = "Ms Lena Ortiz said: “We will open our party schools to every delegation that asks.”"
    q0 = text.index("“") + 1
    facts = DocumentFacts(extractor="t", entities=[EntityFact("e1", "person", "Lena Ortiz", mentions=[(3, 13)])],
                          quotes=[QuoteFact("e1", text[q0:text.index("”")], (q0, text.index("”")))])
    store.save(make_doc(source="q.txt", text=text), facts)
    resolve(store)
    (hit,) = store.record().search_quotes("party schools")
    assert hit["text"].startswith("We will open") and hit["speaker"]["name"] == "Lena Ortiz"
    assert store.record().search_quotes("nonexistentword") == []
    assert store.record().search_quotes("\" OR 1=1 --") == []


def test_an_in_memory_store_keeps_its_tables_and_rows():
    from liaison.model import Document, DocumentFacts
    from liaison.store import Store

    store = Store.open(":memory:")
    doc = Document(source="mem.txt", text="A party delegation visited Hanoi.", content_hash="m" * 64)
    saved = store.save(doc, DocumentFacts("test-1"))
    assert store.document(saved.document_id)["source"] == "mem.txt"
    assert store.stats()["documents"] == 1
    store.close()


def test_datasette_finds_the_full_text_tables_and_searches_with_them(tmp_path):
    import asyncio
    import sqlite3

    datasette = pytest.importorskip("datasette.app", reason="datasette is not installed (make setup)")
    from datasette.utils import detect_fts

    from liaison.model import DocumentFacts
    from liaison.pipeline import store_one
    from liaison.ingest import prepare
    from liaison.model import RawDocument

    db = tmp_path / "record.db"
    store = Store.open(str(db))
    for n, body in enumerate(["Delegations of two parties met in Hanoi for talks.",
                              "A congress of the Socialist International opened in Oslo."]):
        store_one(store, prepare(RawDocument(source=f"s{n}.txt", body=body, format="text")), DocumentFacts(extractor="t"))
    store.close()
    with sqlite3.connect(db) as conn:
        assert detect_fts(conn, "documents") == "documents_fts" and detect_fts(conn, "quotes") == "quotes_fts"

    async def search() -> list:
        ds = datasette.Datasette([str(db)])
        reply = await ds.client.get("/record/documents.json?_search=Oslo&_shape=array")
        return reply.json()

    rows = asyncio.run(search())
    assert [r["source"] for r in rows] == ["s1.txt"]  # only the matching row, not every row


def test_an_older_file_gets_its_full_text_tables_respelled_and_keeps_its_search(tmp_path):
    import sqlite3

    from liaison.ingest import prepare
    from liaison.model import DocumentFacts, RawDocument
    from liaison.pipeline import store_one

    db = tmp_path / "old.db"
    store = Store.open(str(db))
    store_one(store, prepare(RawDocument(source="a.txt", body="A party congress opened in Oslo on Monday.",
                                         format="text")), DocumentFacts(extractor="t"))
    store.close()
    with sqlite3.connect(db) as conn:  # as an earlier version wrote it
        conn.execute("DROP TABLE documents_fts")
        conn.execute("CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents', "
                     "content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2')")
        conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")
        conn.execute("DELETE FROM schema_migrations WHERE version = 15")
    store = Store.open(str(db))
    try:
        assert len(store.search("Oslo")) == 1 and not store.search("Hanoi")
    finally:
        store.close()
    with sqlite3.connect(db) as conn:
        assert "content=[documents]" in conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'documents_fts'").fetchone()[0]
