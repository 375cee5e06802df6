"""Curation through the API, the explorer's forms and the CLI: who may do what, and what it changes.

The record comes from tests/fixtures/curation (see its README): two person entities
for one envoy, talks with a misreported date and a participant who stayed away.
"""

from __future__ import annotations

import re
import shutil

import pytest
from fastapi.testclient import TestClient
from test_auth import csrf_of, sign_in
from typer.testing import CliRunner

from liaison.store import Store
from liaison.store.users import Users
from liaison.web import create_app

from conftest import FIXTURES

CORPUS = FIXTURES / "curation"


@pytest.fixture(scope="module")
def base_db(tmp_path_factory, extractor):
    from liaison.pipeline import ingest

    db = tmp_path_factory.mktemp("curation") / "base.db"
    store = Store.open(str(db))
    ingest([str(CORPUS)], store, extractor, max_bytes=5_000_000)
    store.close()
    return db


@pytest.fixture
def world(base_db, tmp_path):
    """A fresh copy of the fixture record, an editor and an admin, and the ids the tests judge."""
    db = tmp_path / "record.db"
    for suffix in ("", "-wal", "-shm"):
        if (base_db.parent / (base_db.name + suffix)).exists():
            shutil.copy(base_db.parent / (base_db.name + suffix), tmp_path / (db.name + suffix))
    store = Store.open(str(db))
    users = Users(store.engine)
    _, editor = users.add("erin")
    _, admin = users.add("ada", role="admin")
    record = store.record()
    people = {e["name"]: e["id"] for e in record.entities(type="person")}
    assert {"Mary-Anne Kisanga", "Maryanne Kisanga", "Joseph Tembo"} <= set(people), people
    talks = next(e for e in record.events() if "Mulenga" in e["name"])
    client = TestClient(create_app(str(db), store=store))
    yield {"db": str(db), "store": store, "client": client, "people": people, "talks": talks["id"],
           "editor": {"Authorization": f"Bearer {editor}"}, "admin": {"Authorization": f"Bearer {admin}"},
           "editor_token": editor}
    store.close()


def persons(client) -> list[str]:
    return [e["name"] for e in client.get("/api/entities", params={"type": "person"}).json()["items"]]


def test_api_writes_need_a_valid_token(world):
    c, p = world["client"], world["people"]
    body = {"target": p["Mary-Anne Kisanga"], "other": p["Maryanne Kisanga"], "why": "one envoy, two spellings"}
    assert c.post("/api/judgements/merge", json=body).status_code == 401
    bad = c.post("/api/judgements/merge", json=body, headers={"Authorization": "Bearer liaison_nope"})
    assert bad.status_code == 401 and "not valid" in bad.json()["detail"]
    assert sum("Kisanga" in n for n in persons(c)) == 2
    made = c.post("/api/judgements/merge", json=body, headers=world["editor"])
    assert made.status_code == 201, made.text
    j = made.json()
    assert (j["action"], j["author"], j["reason"], j["outcome"]) == ("merge", "erin", "one envoy, two spellings", "applied")
    assert sum("Kisanga" in n for n in persons(c)) == 1
    history = c.get(f"/api/history/{p['Maryanne Kisanga']}").json()  # the retired id still has its history
    assert [h["id"] for h in history["items"]] == [j["id"]]


def test_bad_judgements_get_a_clear_400(world):
    c, p = world["client"], world["people"]
    party = next(e["id"] for e in c.get("/api/entities", params={"type": "party"}).json()["items"])
    wrong = c.post("/api/judgements/merge", json={"target": p["Joseph Tembo"], "other": party}, headers=world["editor"])
    assert wrong.status_code == 400 and "cannot merge a person" in wrong.json()["detail"]
    date = c.post("/api/judgements/correct", json={"target": world["talks"], "field": "start", "value": "14 May"},
                  headers=world["editor"])
    assert date.status_code == 400 and "date like" in date.json()["detail"]
    unknown = c.post("/api/judgements/bless", json={"target": world["talks"]}, headers=world["editor"])
    assert unknown.status_code == 400 and "unknown action" in unknown.json()["detail"]


def test_editors_undo_their_own_judgements_admins_anyones(world):
    c = world["client"]
    target = world["talks"]
    mine = c.post("/api/judgements/confirm", json={"target": target}, headers=world["admin"]).json()
    refused = c.post("/api/judgements/undo", json={"target": str(mine["id"])}, headers=world["editor"])
    assert refused.status_code == 403 and "needs an admin" in refused.json()["detail"]
    sign_in(c, world["editor_token"])  # the explorer's undo button goes through the same rule
    page = c.get(f"/events/{target}").text
    form = c.post("/curate/undo", data={"target": str(mine["id"]), "csrf": csrf_of(page.split('id="curate"')[1])},
                  follow_redirects=False)
    assert form.status_code == 403 and "needs an admin" in form.text
    c.cookies.clear()
    own = c.post("/api/judgements/correct", json={"target": target, "field": "start", "value": "2023-05-14"},
                 headers=world["editor"]).json()
    assert c.get(f"/api/events/{target}").json()["start"] == "2023-05-14"
    assert c.post("/api/judgements/undo", json={"target": str(own["id"])}, headers=world["editor"]).status_code == 201
    assert c.get(f"/api/events/{target}").json()["start"] == "2023-05-15"
    assert c.post("/api/judgements/undo", json={"target": str(mine["id"])}, headers=world["admin"]).status_code == 201
    outcomes = {j["id"]: j["outcome"] for j in c.get("/api/judgements").json()["items"]}
    assert outcomes[mine["id"]] == "undone" and outcomes[own["id"]] == "undone"


def test_controls_show_only_to_signed_in_users(world):
    c = world["client"]
    anonymous = c.get(f"/events/{world['talks']}").text
    assert 'id="curate"' not in anonymous and "reject-fact" not in anonymous
    assert 'id="history"' in anonymous  # the history is for everyone
    sign_in(c, world["editor_token"])
    signed = c.get(f"/events/{world['talks']}").text
    assert 'id="curate"' in signed and signed.count("reject-fact") >= 4
    assert 'value="start"' in signed and 'action="/curate/merge"' in signed


def test_forms_need_a_session_and_its_csrf_token(world):
    c, talks = world["client"], world["talks"]
    form = {"target": talks, "field": "start", "value": "2023-05-14", "why": "the party's readout"}
    assert c.post("/curate/correct", data=form, follow_redirects=False).status_code == 401
    sign_in(c, world["editor_token"])
    forged = c.post("/curate/correct", data={**form, "csrf": "x"}, follow_redirects=False)
    assert forged.status_code == 403 and "CSRF" in forged.text
    page = c.get(f"/events/{talks}").text
    done = c.post("/curate/correct", data={**form, "csrf": csrf_of(page.split('id="correct-form"')[1])},
                  follow_redirects=False)
    assert done.status_code == 303 and re.search(r"/events/evt-[^?]+\?judged=\d+", done.headers["location"])
    after = c.get(done.headers["location"]).text
    assert "2023-05-14" in after and "Judgement" in after and "the party&#39;s readout" in after


def test_rejecting_a_participation_from_the_event_page(world):
    c, talks, tembo = world["client"], world["talks"], world["people"]["Joseph Tembo"]
    sign_in(c, world["editor_token"])
    page = c.get(f"/events/{talks}").text
    assert f"part:{talks}:{tembo}" in page
    done = c.post("/curate/reject", data={"target": f"part:{talks}:{tembo}", "csrf": csrf_of(page.split("reject-fact")[1]),
                                          "next": f"/events/{talks}"}, follow_redirects=False)
    assert done.status_code == 303
    after = c.get(f"/events/{talks}").text
    assert "Joseph Tembo" not in after.split('id="participants"')[1].split("</div>")[0]


def test_review_queue_lists_look_alikes_and_takes_a_decision(world):
    c = world["client"]
    party = next(e for e in c.get("/api/entities", params={"type": "party"}).json()["items"]
                 if e["name"] == "Chama Cha Mapinduzi")
    sources = sorted({d["document"] for d in c.get(f"/api/entities/{party['id']}").json()["evidence"]})
    split = c.post("/api/judgements/split", json={"target": party["id"], "members": [sources[-1]]},
                   headers=world["admin"])
    assert split.status_code == 201, split.text
    twins = [e["id"] for e in c.get("/api/entities", params={"type": "party"}).json()["items"]
             if e["name"] == "Chama Cha Mapinduzi"]
    assert len(twins) == 2  # now the resolver's output holds two look-alikes: the queue offers them
    assert any({x["a"], x["b"]} == set(twins) for x in c.get("/api/review").json()["items"])
    anonymous = c.get("/review").text
    assert "Chama Cha Mapinduzi" in anonymous and "decide-merge" not in anonymous
    sign_in(c, world["editor_token"])
    page = c.get("/review").text
    item = next(part for part in page.split('class="review-item')[1:] if twins[0] in part and twins[1] in part)
    a, b = re.search(r'name="target" value="([^"]+)"', item).group(1), re.search(r'name="other" value="([^"]+)"', item).group(1)
    done = c.post("/curate/distinct", data={"target": a, "other": b, "csrf": csrf_of(item), "next": "/review"},
                  follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/")
    assert not any({x["a"], x["b"]} == set(twins) for x in c.get("/api/review").json()["items"])


def test_cli_judgements_survive_resolve_and_show_in_history(world, monkeypatch):
    from liaison.cli import app

    runner = CliRunner()
    db, p, talks = world["db"], world["people"], world["talks"]
    monkeypatch.delenv("LIAISON_USER", raising=False)
    nobody = runner.invoke(app, ["confirm", talks, "--db", db])
    assert nobody.exit_code == 2 and "--as NAME" in nobody.output
    monkeypatch.setenv("LIAISON_USER", "carla")  # the database has users: --as must name one of them
    stranger = runner.invoke(app, ["confirm", talks, "--db", db])
    assert stranger.exit_code == 2 and "'carla' is not a user" in stranger.output
    monkeypatch.setenv("LIAISON_USER", "erin")
    merged = runner.invoke(app, ["merge", p["Mary-Anne Kisanga"], p["Maryanne Kisanga"], "--why", "same envoy", "--db", db])
    assert merged.exit_code == 0 and "→ applied" in merged.output, merged.output
    assert f"merge {p['Mary-Anne Kisanga']} with {p['Maryanne Kisanga']}" in merged.output  # curate.describe
    fixed = runner.invoke(app, ["correct", talks, "start", "2023-05-14", "--db", db])
    assert fixed.exit_code == 0 and "start → 2023-05-14" in fixed.output, fixed.output
    gone = runner.invoke(app, ["reject", f"part:{talks}:{p['Joseph Tembo']}", "--as", "ada", "--db", db])
    assert gone.exit_code == 0 and "by ada" in gone.output
    gone_id = re.search(r"judgement (\d+)", gone.output).group(1)
    # the web's rule holds on the command line too: an editor undoes only their own judgements
    refused = runner.invoke(app, ["undo", gone_id, "--db", db])
    assert refused.exit_code == 1 and "erin is an editor; undoing ada's judgement" in refused.output
    bad = runner.invoke(app, ["correct", talks, "start", "someday", "--db", db])
    assert bad.exit_code == 1 and "date like" in bad.output
    not_a_number = runner.invoke(app, ["undo", "last", "--db", db])
    assert not_a_number.exit_code == 1 and "by its number" in not_a_number.output
    assert runner.invoke(app, ["resolve", "--db", db]).exit_code == 0
    store = Store.open(db)
    record = store.record()
    assert sum("Kisanga" in e["name"] for e in record.entities(type="person")) == 1
    assert str(record.event(talks)["start"]) == "2023-05-14"
    assert p["Joseph Tembo"] not in {x["entity"] for x in record.participations(event_id=talks)}
    store.close()
    history = runner.invoke(app, ["history", talks, "--db", db], env={"COLUMNS": "200"})
    assert "correct" in history.output and "erin" in history.output
    listed = runner.invoke(app, ["judgements", "--db", db], env={"COLUMNS": "200"})
    assert listed.output.count("applied") == 3
    assert "no orphaned judgements" in runner.invoke(app, ["judgements", "--orphaned", "--db", db]).output


def test_serve_read_only_writes_nothing_even_over_a_read_only_file(base_db, tmp_path):
    """`liaison serve --read-only` as a user runs it: no migration, no key file, no -wal/-shm, no row."""
    import hashlib
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    import httpx

    from conftest import free_port

    folder = tmp_path / "frozen"
    folder.mkdir()
    db = folder / "record.db"
    shutil.copy(base_db, db)
    assert not Path(f"{base_db}-wal").exists() or Path(f"{base_db}-wal").stat().st_size == 0
    store = Store.open(str(db))
    _, token = Users(store.engine).add("erin")
    record = store.record()
    person = record.entities(type="person")[0]["id"]
    talks = next(e["id"] for e in record.events() if "Mulenga" in e["name"])
    store.close()
    before = (hashlib.sha256(db.read_bytes()).hexdigest(), db.stat().st_mtime_ns, sorted(os.listdir(folder)))
    assert before[2] == ["record.db"]
    os.chmod(db, 0o444)
    os.chmod(folder, 0o555)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "LIAISON_SECRET"}
    server = subprocess.Popen([str(Path(sys.executable).with_name("liaison")), "serve", "--read-only", "--db", str(db),
                               "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while True:
            try:
                httpx.get(base + "/api/me", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.time() < deadline, "the read-only server did not start within 60s"
                time.sleep(0.2)
        for path in ("/", f"/entities/{person}", f"/events/{talks}", "/review", "/search?q=Kisanga", "/timeline",
                     "/api/events", f"/api/history/{talks}", "/api/judgements", "/login"):
            assert httpx.get(base + path, timeout=30).status_code == 200, path
        login = httpx.post(base + "/login", data={"token": token}, timeout=10)
        assert login.status_code == 403 and "read-only" in login.text
        write = httpx.post(base + "/api/judgements/confirm", json={"target": talks},
                           headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert write.status_code == 403
    finally:
        server.terminate()
        server.wait(timeout=20)
        os.chmod(folder, 0o755)
        os.chmod(db, 0o644)
    after = (hashlib.sha256(db.read_bytes()).hexdigest(), db.stat().st_mtime_ns, sorted(os.listdir(folder)))
    assert after == before  # not a byte, not a file (no record.db.key, no -wal/-shm)


def test_a_read_only_store_refuses_writes(base_db, tmp_path):
    import sqlalchemy as sa

    db = tmp_path / "record.db"
    shutil.copy(base_db, db)
    Store.open(str(db)).close()
    store = Store.open(str(db), read_only=True)
    try:
        assert store.record().entities(type="person")
        with pytest.raises(sa.exc.OperationalError, match="readonly|read-only|query_only"):
            Users(store.engine).add("mallory")
    finally:
        store.close()


def test_the_undo_rule_lives_in_curate(world):
    from liaison import curate

    store = world["store"]
    confirmed = curate.judge(store, "confirm", world["talks"], author="ada", role="admin")
    with pytest.raises(curate.NotAllowed, match="erin is an editor") as refused:
        curate.judge(store, "undo", str(confirmed["id"]), author="erin", role="editor")
    assert isinstance(refused.value, PermissionError) and isinstance(refused.value, curate.JudgementError)
    with pytest.raises(curate.JudgementError, match="role 'owner'"):
        curate.undo(store, confirmed["id"], author="erin", role="owner")
    own = curate.judge(store, "confirm", world["people"]["Joseph Tembo"], author="erin", role="editor")
    assert curate.undo(store, own["id"], author="erin", role="editor")["outcome"] == "applied"
    assert curate.undo(store, confirmed["id"], author="ada", role="admin")["outcome"] == "applied"
    assert curate.describe(confirmed) == f"confirm {world['talks']}"


def test_the_merge_box_takes_a_name(world):
    c, p = world["client"], world["people"]
    sign_in(c, world["editor_token"])
    page = c.get(f"/entities/{p['Mary-Anne Kisanga']}").text
    assert 'placeholder="type a name or id"' in page
    nobody = c.post("/curate/merge", data={"target": p["Mary-Anne Kisanga"], "other": "Nobody Known",
                                           "csrf": csrf_of(page.split('id="merge-form"')[1])}, follow_redirects=False)
    assert nobody.status_code == 400 and "no other person is named" in nobody.text
    done = c.post("/curate/merge", data={"target": p["Mary-Anne Kisanga"], "other": "  maryanne   KISANGA ",
                                         "csrf": csrf_of(page.split('id="merge-form"')[1])}, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert sum("Kisanga" in n for n in persons(c)) == 1
    # a name two things carry is refused, naming both ids to choose from
    parties = {e["name"]: e["id"] for e in c.get("/api/entities", params={"type": "party"}).json()["items"]}
    ccm = parties["Chama Cha Mapinduzi"]
    sources = sorted({d["document"] for d in c.get(f"/api/entities/{ccm}").json()["evidence"]})
    assert c.post("/api/judgements/split", json={"target": ccm, "members": [sources[-1]]},
                  headers=world["admin"]).status_code == 201
    twins = [e["id"] for e in c.get("/api/entities", params={"type": "party"}).json()["items"]
             if e["name"] == "Chama Cha Mapinduzi"]
    other_party = next(i for n, i in parties.items() if n != "Chama Cha Mapinduzi")
    two = c.post("/api/judgements/merge", json={"target": other_party, "other": "Chama Cha Mapinduzi"},
                 headers=world["editor"])
    assert two.status_code == 400 and "2 parties are named 'Chama Cha Mapinduzi'" in two.json()["detail"]
    assert all(t in two.json()["detail"] for t in twins)
    back = c.post("/api/judgements/merge", json={"target": twins[0], "other": "Chama Cha Mapinduzi"},
                  headers=world["editor"])  # from one twin, the name means the other one
    assert back.status_code == 201 and back.json()["other"] == twins[1]


def test_views_kept_between_changes_follow_the_record_when_it_changes(tmp_path, extractor):
    from fastapi.testclient import TestClient

    from liaison.pipeline import ingest
    from liaison.store import Store
    from liaison.web import create_app

    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("Delegations of the ruling parties of Laos and Vietnam met in Vientiane on Monday and "
                     "signed a plan for party exchanges.", encoding="utf-8")
    second.write_text("The Socialist International held a congress in Oslo where member parties from forty "
                      "countries adopted a declaration on Tuesday.", encoding="utf-8")
    store = Store.open(str(tmp_path / "cache.db"))
    try:
        ingest([str(first)], store, extractor, max_bytes=1_000_000)
        app = create_app("unused", store=store)
        client = TestClient(app)
        calls = []
        real = store.stats
        store.stats = lambda: calls.append(1) or real()
        client.get("/")
        client.get("/")
        assert len(calls) == 1  # the second reader is served what the first one computed
        documents_before = client.get("/api/documents").json()["items"]
        before = app.state.cache.get("home", lambda: None)["stats"]["documents"]
        ingest([str(second)], store, extractor, max_bytes=1_000_000)
        app.state.cache.recheck = 0  # do not wait the second between version checks
        client.get("/")
        assert len(calls) == 2 and app.state.cache.get("home", lambda: None)["stats"]["documents"] == before + 1
        assert len(client.get("/api/documents").json()["items"]) == len(documents_before) + 1  # not a kept answer
    finally:
        store.close()
