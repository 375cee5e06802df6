"""Curation: judgements are kept apart from extracted facts and survive every re-resolution."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from liaison import curate
from liaison.cli import app
from liaison.resolve import DocEntity, resolve
from liaison.resolve import judgements as jm
from liaison.resolve.entities import build_entities, cluster_entities
from liaison.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "judgements"
runner = CliRunner()


# -- the pure part: judgements applied to clusters --------------------------------------------

def person(doc, key, name, country=None):
    return DocEntity(doc, key, "person", name, (), country)


def test_merge_split_and_undo_on_clusters():
    items = [person("d1", "e1", "Kham Phan Phommathat"), person("d2", "e1", "Khamphan Phommathat"),
             person("d3", "e1", "Khamphan Phommathat"), person("d3", "e2", "Le Hoai Trung")]
    machine = cluster_entities(items)
    assert len(machine) == 3  # two spellings stay apart
    merge = jm.Judgement(1, "merge", "x", "y", {"type": "entity", "a": [["d1", "e1", "Kham Phan Phommathat"]],
                                                 "b": [["d2", "e1", "Khamphan Phommathat"]]})
    judged, outcomes = jm.live([merge])
    merged = build_entities(jm.regroup(machine, judged, "entity", outcomes))
    assert len(merged) == 2 and outcomes[1].outcome == "applied"
    assert sorted(next(e for e in merged if "Le" not in e.name).members) == [("d1", "e1"), ("d2", "e1"), ("d3", "e1")]
    # a later split takes one source back out; an undo of the merge leaves the split-off alone
    split = jm.Judgement(2, "split", "x", None, {"type": "entity", "members": [["d3", "e1", "Khamphan Phommathat"]]})
    judged, outcomes = jm.live([merge, split])
    assert len(build_entities(jm.regroup(machine, judged, "entity", outcomes))) == 3
    undo = jm.Judgement(3, "undo", "1", None, {"type": "judgement", "judgement": 1})
    judged, outcomes = jm.live([merge, split, undo])
    assert [j.id for j in judged] == [2] and outcomes[1].outcome == "undone"
    # an undo of the undo restores the merge
    redo = jm.Judgement(4, "undo", "3", None, {"type": "judgement", "judgement": 3})
    judged, outcomes = jm.live([merge, split, undo, redo])
    assert [j.id for j in judged] == [1, 2] and outcomes[3].outcome == "undone"


def test_a_corrected_start_moves_the_end_with_it():
    from liaison.resolve.events import Event

    ev = Event("evt-x", "summit", "x", [], date(2023, 5, 15), date(2023, 5, 16), None, None, None, None, None)
    jm.set_field(ev, "start", "2023-05-14")
    assert (ev.start, ev.end) == (date(2023, 5, 14), date(2023, 5, 15))
    jm.set_field(ev, "end", "2023-05-20")
    assert (ev.start, ev.end) == (date(2023, 5, 14), date(2023, 5, 20))


def test_members_are_found_by_name_when_keys_change_and_missing_ones_orphan():
    items = [person("d1", "e7", "Kham Phan Phommathat"), person("d2", "e9", "Khamphan Phommathat")]
    merge = jm.Judgement(1, "merge", "x", "y", {"type": "entity", "a": [["d1", "e1", "Kham Phan Phommathat"]],
                                                 "b": [["d2", "e1", "Khamphan Phommathat"]]})
    gone = jm.Judgement(2, "merge", "x", "y", {"type": "entity", "a": [["d1", "e1", "Kham Phan Phommathat"]],
                                                "b": [["d5", "e1", "Somebody Else"]]})
    judged, outcomes = jm.live([merge, gone])
    clusters = jm.regroup(cluster_entities(items), judged, "entity", outcomes)
    assert len(clusters) == 1
    assert outcomes[1].outcome == "applied"
    assert outcomes[2].outcome == "orphaned" and "no longer" in outcomes[2].note


# -- through the store: every judgement survives resolve and ingest --force ---------------------

def ingest(db, *extra):
    result = runner.invoke(app, ["ingest", str(FIXTURES), "--db", db, "-q", *extra])
    assert result.exit_code == 0, result.output


def by_name(store, name):
    return next(e for e in store.record().entities() if e["name"] == name)


def state(store, event_id):
    rec = store.record()
    event = rec.event(rec.canonical(event_id))
    people = [e for e in rec.entities(type="person") if "Phommathat" in e["name"]]
    return {
        "event_start": event["start"],
        "people": [(p["name"], sorted(p["aliases"])) for p in people],
        "participants": sorted(p["entity"] for p in rec.participations(event_id=event["id"])),
        "quotes": sorted(q["text"] for q in rec.quotes()),
    }


def test_judgements_survive_resolve_and_forced_reextraction(db_url, extractor):
    ingest(db_url)
    store = Store.open(db_url)
    try:
        rec = store.record()
        first = by_name(store, "Kham Phan Phommathat")
        second = by_name(store, "Khamphan Phommathat")
        if second["type"] != "person":  # the extractor may take the bare name for an organization
            curate.judge(store, "correct", second["id"], field="type", value="person", author="ana", why="a person")
            second = by_name(store, "Khamphan Phommathat")
        merged = curate.judge(store, "merge", first["id"], other=second["id"], author="ana", why="one official")
        assert merged["outcome"] == "applied"

        event = rec.events()[0]
        assert event["start"] == date(2024, 3, 3)
        corrected = curate.judge(store, "correct", event["id"], field="start", value="2024-03-02", author="ben",
                                 why="the readout dates it a day earlier")
        wrong = next(p for p in rec.participations(event_id=event["id"])  # a body the curator rejects
                     if rec.entity(p["entity"])["type"] == "organization")
        curate.judge(store, "reject", f"part:{event['id']}:{wrong['entity']}", author="ben", why="not a party")
        quote = rec.quotes()[0]
        curate.judge(store, "reject", f"quote:{quote['id']}", author="ana", why="misattributed")

        after = state(store, event["id"])
        assert after["event_start"] == date(2024, 3, 2)
        assert len(after["people"]) == 1 and set(after["people"][0][1]) >= {"Khamphan Phommathat"} | (
            set() if after["people"][0][0] == "Khamphan Phommathat" else set())
        assert wrong["entity"] not in after["participants"]
        assert quote["text"] not in after["quotes"]

        resolve(store)
        assert state(store, event["id"]) == after
        ingest(db_url, "--force")
        assert state(store, event["id"]) == after

        history = curate.history(store, rec.canonical(event["id"]))
        assert [h["action"] for h in history][:2] == ["reject", "correct"] and history[1]["author"] == "ben"
        assert history[0]["target"].startswith("part:")  # its participations' judgements show too
        assert all(j["outcome"] == "applied" for j in curate.judgements(store))

        curate.undo(store, corrected["id"], author="ben", why="checked again: the 3rd was right")
        assert store.record().event(store.record().canonical(event["id"]))["start"] == date(2024, 3, 3)
        assert [j["id"] for j in curate.judgements(store, outcome="undone")] == [corrected["id"]]
    finally:
        store.close()


def test_bad_judgements_are_refused_with_reasons(tmp_path, extractor):
    db = str(tmp_path / "c.db")
    ingest(db)
    store = Store.open(db)
    rec = store.record()
    event = rec.events()[0]
    party = rec.entities(type="party")[0]
    cases = [
        (dict(action="merge", target=party["id"], other=event["id"]), "no entity"),
        (dict(action="merge", target=party["id"], other="cty-vnm"), "cannot merge a party"),
        (dict(action="correct", target=event["id"], field="start", value="next week"), "must be a date"),
        (dict(action="correct", target=event["id"], field="colour", value="red"), "no field 'colour'"),
        (dict(action="correct", target=party["id"], field="country", value="XXX"), "not an ISO"),
        (dict(action="reject", target="quote:999999"), "no quote 999999"),
        (dict(action="reject", target="per-nobody-000000"), "no entity per-nobody"),
        (dict(action="split", target=party["id"], members=["nodoc"]), "not one of this thing's sources"),
        (dict(action="frobnicate", target=party["id"]), "unknown action"),
    ]
    for kwargs, message in cases:
        with pytest.raises(curate.JudgementError, match=message):
            curate.judge(store, author="ana", **kwargs)
    assert curate.judgements(store) == []
    store.close()


def test_review_queue_lists_the_two_spellings(tmp_path, extractor):
    db = str(tmp_path / "c.db")
    ingest(db)
    store = Store.open(db)
    second = by_name(store, "Khamphan Phommathat")
    if second["type"] != "person":
        curate.judge(store, "correct", second["id"], field="type", value="person", author="ana")
    queue = curate.review_queue(store)
    pair = next(c for c in queue if {c["a_label"], c["b_label"]} == {"Kham Phan Phommathat", "Khamphan Phommathat"})
    assert pair["type"] == "entity" and pair["score"] >= 0.9 and queue.index(pair) == 0
    assert pair["a_evidence"][0]["sentence"] and pair["b_evidence"][0]["sentence"]
    assert pair["a_evidence"][0]["document"] != pair["b_evidence"][0]["document"]
    # deciding "not the same" takes the pair out of the queue
    curate.judge(store, "distinct", pair["a"], other=pair["b"], author="ana", why="two officials")
    assert not any({c["a"], c["b"]} == {pair["a"], pair["b"]} for c in curate.review_queue(store))
    store.close()


def test_a_participations_role_is_corrected_from_the_command_line(db_url, extractor):
    ingest(db_url)
    store = Store.open(db_url)
    try:
        rec = store.record()
        event = rec.events()[0]
        part = next(p for p in rec.participations(event_id=event["id"]) if p["role"] != "speaker")
        target = f"part:{event['id']}:{part['entity']}"
        result = runner.invoke(app, ["correct", target, "role", "speaker", "--why", "gave the keynote", "--as", "ana",
                                     "--db", db_url])
        assert result.exit_code == 0, result.output
        roles = {p["entity"]: p["role"] for p in rec.participations(event_id=event["id"])}
        assert roles[part["entity"]] == "speaker"
        # a role that is no participation's role is refused, naming the ones there are
        result = runner.invoke(app, ["correct", target, "role", "admin", "--as", "ana", "--db", db_url])
        assert result.exit_code != 0 and "organizer" in result.output
    finally:
        store.close()
