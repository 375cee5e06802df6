"""Incremental resolution: re-resolving only what new documents touch gives the full resolution's record."""

from __future__ import annotations

import hashlib
import random

import pytest

from liaison import curate
from liaison.export import record_dict
from liaison.model import Document, DocumentFacts, EntityFact, EventFact, ParticipationFact
from liaison.resolve import resolve
from liaison.resolve.incremental import base_id
from liaison.store import Store

PARTIES = [("Communist Party of Vietnam", "CPV", "VNM"), ("Lao People's Revolutionary Party", "LPRP", "LAO"),
           ("Communist Party of China", "CPC", "CHN"), ("Cambodian People's Party", "CPP", "KHM"),
           ("Workers' Party of Korea", "WPK", "PRK"), ("Communist Party of Cuba", "PCC", "CUB"),
           ("African National Congress", "ANC", "ZAF"), ("United Russia", "UR", "RUS")]
PEOPLE = [("Le Hoai Trung", "VNM"), ("Liu Jianchao", "CHN"), ("Wang Yi", "CHN"), ("Wang Huning", "CHN"),
          ("Thongloun Sisoulith", "LAO"), ("Hun Manet", "KHM"), ("Fikile Mbalula", "ZAF")]
KINDS = ["meeting", "visit", "dialogue", "talks", "forum"]


def synthetic(rng: random.Random, n: int, start: int = 0) -> list[tuple[Document, DocumentFacts]]:
    """Small documents whose facts overlap the way coverage does: recurring parties, people, events."""
    docs = []
    for i in range(start, start + n):
        a, b = rng.sample(PARTIES, 2)
        kind = rng.choice(KINDS)
        month = rng.choice([3, 3, 7, 11])
        ents = [EntityFact("e1", "party", a[0] if rng.random() < 0.7 else a[1], [a[1]] if rng.random() < 0.5 else [], a[2]),
                EntityFact("e2", "party", b[0], [], b[2])]
        person, country = rng.choice(PEOPLE)
        form = rng.random()
        ents.append(EntityFact("e3", "person", person if form < 0.6 else person.split()[-1 if form < 0.8 else 0],
                               [], country if rng.random() < 0.7 else None, ["head"]))
        ents.append(EntityFact("e4", "country", a[2], [], a[2]))
        name = rng.choice([f"{a[1]}-{b[1]} {kind}", f"{kind} between the {a[0]} and the {b[0]}", kind])
        day = f"2024-{month:02d}-{rng.choice([3, 4, 20])}" if rng.random() < 0.7 else None
        events = [EventFact("v1", kind, name, day, None, None, a[2] if rng.random() < 0.6 else None, organizer="e1")]
        parts = [ParticipationFact("v1", "e1", "host"), ParticipationFact("v1", "e2", "delegation"),
                 ParticipationFact("v1", "e3", "speaker")]
        text = f"Report {i}: {name}. {ents[2].name} spoke."
        doc = Document(source=f"synthetic/{i}.txt", text=text, content_hash=hashlib.sha256(text.encode()).hexdigest(),
                       title=f"Report {i}")
        docs.append((doc, DocumentFacts("test-1", ents, events, parts)))
    return docs


def save(store, batch) -> set[str]:
    return {store.save(doc, facts).document_id for doc, facts in batch}


def shape(store) -> dict:
    rec = record_dict(store)
    for key in ("entities", "events"):
        for item in rec[key]:
            item["evidence"] = sorted((e["document"], tuple(e["span"])) for e in item["evidence"])
        rec[key] = sorted(rec[key], key=lambda x: x["id"])
    rec["series"] = sorted(rec["series"], key=lambda s: s["id"])
    rec["judgements"] = [(j["id"], j["outcome"], j["current"]) for j in curate.judgements(store)]
    return rec


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_batches_resolved_incrementally_equal_one_full_resolution(tmp_path, seed):
    rng = random.Random(seed)
    store = Store.open(str(tmp_path / "inc.db"))
    corpus = synthetic(rng, 160)
    scopes = []
    for i in range(0, len(corpus), 20):
        report = resolve(store, documents=save(store, corpus[i:i + 20]))
        scopes.append(report.scope)
        if i == 60:  # a person's judgements in the middle of the stream
            rec = store.record()
            people = sorted(rec.entities(type="person"), key=lambda e: e["id"])
            curate.judge(store, "merge", people[0]["id"], other=people[1]["id"], author="t")
            ev = rec.events()[0]
            curate.judge(store, "correct", ev["id"], field="start", value="2024-01-01", author="t")
    # re-extraction of some stored documents with different facts (as ingest --force does)
    changed = synthetic(random.Random(seed + 100), 10)
    for (doc, _), (_, facts) in zip(corpus[:10], changed):
        store.save(doc, facts)
    resolve(store, documents={store.lookup(doc.source, doc.content_hash)[0]["id"] for doc, _ in corpus[:10]})
    incremental = shape(store)
    assert scopes[0] is None and all(s is not None for s in scopes[1:])
    assert any(s < 4 * 160 for s in scopes[1:])  # some batches re-resolved less than everything

    resolve(store)  # everything again
    assert shape(store) == incremental
    store.close()


def test_one_new_document_touches_only_its_neighbourhood(tmp_path):
    store = Store.open(str(tmp_path / "n.db"))
    base = synthetic(random.Random(5), 100)
    resolve(store, documents=save(store, base))
    doc = Document(source="x/1.txt", text="A lone report.", content_hash="f" * 64, title="lone")
    facts = DocumentFacts("test-1", [EntityFact("e1", "party", "Liberal Party of Nowhere", [], "NZL")],
                          [EventFact("v1", "congress", "Liberal Party of Nowhere congress", "2020-05-05")])
    report = resolve(store, documents=save(store, [(doc, facts)]))
    assert report.scope == 1
    assert store.record().entity(next(e["id"] for e in store.record().entities() if "Nowhere" in e["name"]))
    store.close()


def test_base_id_strips_only_collision_suffixes():
    assert base_id("evt-talks-236621-2") == "evt-talks-236621"
    assert base_id("evt-talks-236621") == "evt-talks-236621"
    assert base_id("evt-g-20-summit-ab12cd") == "evt-g-20-summit-ab12cd"
    assert base_id("cty-chn") == "cty-chn"
