"""Access: users and hashed tokens, sign-in sessions, CSRF, read-only mode and rate limits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from liaison.store import Store
from liaison.store.schema import users as users_table
from liaison.store.users import UserError, Users, hash_token
from liaison.web import create_app
from liaison.web.auth import SECRET_ENV, SESSION_COOKIE, Sessions, key_path, signing_key
from liaison.web.ratelimit import Limits, Rate, TokenBucket


@pytest.fixture
def people(store):
    u = Users(store.engine)
    _, alice = u.add("alice")
    _, root = u.add("root", role="admin")
    return {"users": u, "alice": alice, "root": root}


def client_for(store, **kwargs) -> TestClient:
    return TestClient(create_app("unused", store=store, **kwargs))


def sign_in(client: TestClient, token: str, next_path: str = "/") -> "httpx.Response":  # noqa: F821
    page = client.get("/login", params={"next": next_path})
    csrf = re.search(r'<form class="login"[^>]*>\s*<input type="hidden" name="csrf" value="([^"]+)"', page.text).group(1)
    return client.post("/login", data={"token": token, "csrf": csrf, "next": next_path}, follow_redirects=False)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]*)"', html).group(1)


def test_tokens_are_kept_only_as_hashes(store, people):
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(users_table)).mappings().all()
    assert {r["name"] for r in rows} == {"alice", "root"}
    for r in rows:
        assert r["token_hash"] in (hash_token(people["alice"]), hash_token(people["root"]))
        assert people["alice"] not in str(dict(r)) and people["root"] not in str(dict(r))
    assert people["alice"].startswith("liaison_") and len(people["alice"]) >= 40
    u = people["users"]
    assert u.by_token(people["alice"]).name == "alice"
    assert u.by_token(people["alice"] + "x") is None and u.by_token("") is None


def test_revoke_and_rotate_end_old_tokens(store, people):
    u = people["users"]
    _, new = u.rotate("alice")
    assert u.by_token(people["alice"]) is None and u.by_token(new).name == "alice"
    u.revoke("alice")
    assert u.by_token(new) is None
    with pytest.raises(UserError, match="exists already"):
        u.add("root")
    with pytest.raises(UserError, match="role 'owner'"):
        u.add("bob", role="owner")
    with pytest.raises(UserError, match="must be 1-64"):
        u.add("bob smith")
    with pytest.raises(UserError, match="no user 'carol'"):
        u.revoke("carol")


def test_rotate_does_not_bring_back_a_revoked_user_but_add_does(store, people):
    u = people["users"]
    u.revoke("alice")
    with pytest.raises(UserError, match="was revoked.*users add alice"):
        u.rotate("alice")
    assert not u.get("alice").active and u.by_token(people["alice"]) is None
    back, token = u.add("alice", role="admin")  # the way back is on purpose, with a new token and role
    assert back.active and back.role == "admin" and u.by_token(token).name == "alice"
    assert u.by_token(people["alice"]) is None
    assert [x.name for x in u.all()].count("alice") == 1


def test_reading_needs_nobody_and_a_bad_token_gets_401(store, people):
    client = client_for(store)
    assert client.get("/api/events").status_code == 200
    assert client.get("/").status_code == 200
    nobody = client.get("/api/me")
    assert nobody.status_code == 401 and nobody.headers["www-authenticate"].startswith("Bearer")
    assert "Bearer" in nobody.json()["detail"]
    bad = client.get("/api/me", headers={"Authorization": "Bearer liaison_not-a-real-token"})
    assert bad.status_code == 401 and "not valid" in bad.json()["detail"]
    me = client.get("/api/me", headers={"Authorization": f"Bearer {people['root']}"}).json()
    assert me == {"name": "root", "role": "admin", "read_only": False}


def test_sign_in_sets_a_strict_httponly_session(store, people):
    client = client_for(store)
    assert "Sign in" in client.get("/").text
    response = sign_in(client, people["alice"], "/timeline")
    assert response.status_code == 303 and response.headers["location"] == "/timeline"
    cookie = next(v for k, v in response.headers.multi_items()
                  if k == "set-cookie" and v.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert people["alice"] not in cookie  # the token never leaves the sign-in request
    home = client.get("/").text
    assert "alice (editor)" in home and 'action="/logout"' in home


def test_sign_in_refuses_bad_tokens_stale_forms_other_sites_and_open_redirects(store, people):
    client = client_for(store)
    assert sign_in(client, "liaison_wrong").status_code == 401
    client.get("/login")
    stale = client.post("/login", data={"token": people["alice"], "csrf": "forged"}, follow_redirects=False)
    assert stale.status_code == 403 and SESSION_COOKIE not in stale.headers.get("set-cookie", "")
    page = client.get("/login")
    foreign = client.post("/login", data={"token": people["alice"], "csrf": csrf_of(page.text.split('class="login"')[1])},
                          headers={"Origin": "http://evil.example"}, follow_redirects=False)
    assert foreign.status_code == 403 and "another site" in foreign.text
    away = sign_in(client, people["alice"], "https://evil.example/steal")
    assert away.status_code == 303 and away.headers["location"] == "/"
    away = sign_in(client, people["alice"], "//evil.example/x")
    assert away.headers["location"] == "/"


def test_forms_from_a_null_origin_are_refused_and_pages_cannot_be_framed(store, people):
    client = client_for(store)
    page = client.get("/login")
    form = {"token": people["alice"], "csrf": csrf_of(page.text.split('class="login"')[1])}
    null = client.post("/login", data=form, headers={"Origin": "null"}, follow_redirects=False)
    assert null.status_code == 403 and "Origin: null" in null.text
    assert SESSION_COOKIE not in null.headers.get("set-cookie", "")
    ok = client.post("/login", data=form, headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert ok.status_code == 303
    token = csrf_of(client.get("/").text)
    write = client.post("/curate/confirm", data={"target": "evt-anything", "csrf": token}, headers={"Origin": "null"},
                        follow_redirects=False)
    assert write.status_code == 403 and "Origin: null" in write.text
    out = client.post("/logout", data={"csrf": token}, headers={"Origin": "null"}, follow_redirects=False)
    assert out.status_code == 403 and "alice (editor)" in client.get("/").text
    for path in ("/", "/login", "/api/events"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"] and headers["x-frame-options"] == "DENY"


def test_sessions_are_signed_per_database_and_end_with_the_token(store, people, tmp_path):
    client = client_for(store)
    sign_in(client, people["alice"])
    cookie = client.cookies[SESSION_COOKIE]
    payload, signature = cookie.split(".")
    tampered = TestClient(client.app, cookies={SESSION_COOKIE: payload + "." + signature[:-2] + "AA"})
    assert "alice (editor)" not in tampered.get("/").text
    other_store = Store.open(str(tmp_path / "other.db"))
    Users(other_store.engine).add("alice")  # the same name elsewhere: the cookie must not work there
    other = TestClient(create_app("unused", store=other_store), cookies={SESSION_COOKIE: cookie})
    assert "alice (editor)" not in other.get("/").text
    other_store.close()
    people["users"].rotate("alice")
    assert "alice (editor)" not in client.get("/").text


def test_the_signing_key_is_kept_outside_the_database(tmp_path, monkeypatch):
    import os
    import shutil
    import stat

    monkeypatch.delenv(SECRET_ENV, raising=False)
    db = tmp_path / "live" / "record.db"
    db.parent.mkdir()
    store = Store.open(str(db))
    _, token = Users(store.engine).add("alice")
    client = TestClient(create_app("unused", store=store))
    sign_in(client, token)
    cookie = client.cookies[SESSION_COOKIE]
    key_file = tmp_path / "live" / "record.db.key"
    assert key_file.exists() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = bytes.fromhex(key_file.read_text().strip())
    with store.engine.connect() as conn:  # nothing in any table holds the key
        for table in sa.inspect(conn).get_table_names():
            dump = str(conn.execute(sa.text(f'SELECT * FROM "{table}"')).all())
            assert key.hex() not in dump, table
    # a second process serving the same database (serve --workers) reads the same key
    second = TestClient(create_app("unused", store=Store.open(str(db))), cookies={SESSION_COOKIE: cookie})
    assert "alice (editor)" in second.get("/").text
    # whoever has only the database (a copy, a backup, Datasette) cannot make a cookie that works
    store.close()
    (tmp_path / "copy").mkdir()
    for suffix in ("", "-wal", "-shm"):
        if Path(str(db) + suffix).exists():
            shutil.copy(str(db) + suffix, tmp_path / "copy" / ("record.db" + suffix))
    copy = TestClient(create_app("unused", store=Store.open(str(tmp_path / "copy" / "record.db"))),
                      cookies={SESSION_COOKIE: cookie})
    assert "alice (editor)" not in copy.get("/").text
    assert (tmp_path / "copy" / "record.db.key").read_text() != key_file.read_text()
    # a key file others can read is refused, saying how to fix it
    os.chmod(key_file, 0o644)
    with pytest.raises(ValueError, match="chmod 600"):
        create_app("unused", store=Store.open(str(db)))


def test_liaison_secret_replaces_the_key_file(tmp_path, monkeypatch):
    monkeypatch.setenv(SECRET_ENV, "s" * 40)
    first, second = (Store.open(str(tmp_path / name)) for name in ("a.db", "b.db"))
    _, token = Users(first.engine).add("alice")
    client = TestClient(create_app("unused", store=first))
    sign_in(client, token)
    assert not (tmp_path / "a.db.key").exists()
    assert Sessions(signing_key(second.engine.url)).read(client.cookies[SESSION_COOKIE]).name == "alice"
    monkeypatch.setenv(SECRET_ENV, "too short")
    with pytest.raises(ValueError, match="at least 32 characters"):
        signing_key(first.engine.url)
    first.close()
    second.close()


def test_key_files_of_server_databases_live_in_the_data_home(tmp_path):
    url = sa.make_url("postgresql+psycopg://liaison:pw@db.internal:5432/record")
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}
    path = key_path(url, env)
    assert path.parent == tmp_path / "data" / "liaison" and path.suffix == ".key"
    assert "pw" not in path.name and path == key_path(sa.make_url(str(url).replace("pw", "other")), env)
    assert key_path(sa.make_url("postgresql+psycopg://liaison@db.internal:5432/other"), env) != path
    key = signing_key(url, environ=env)
    assert path.exists() and (path.stat().st_mode & 0o777) == 0o600 and signing_key(url, environ=env) == key
    assert key_path(url, {"HOME": "/x"}).parent == Path.home() / ".local" / "share" / "liaison"
    fresh = sa.make_url("postgresql+psycopg://liaison@db.internal:5432/readonly")
    assert len(signing_key(fresh, read_only=True, environ=env)) == 32 and not key_path(fresh, env).exists()


def test_session_expiry():
    from datetime import datetime

    from liaison.store.users import User

    sessions = Sessions(b"k" * 32, max_age=60)
    user = User("alice", "editor", datetime(2024, 1, 1), None, "ab" * 32)
    cookie = sessions.issue(user, now=1000)
    assert sessions.read(cookie, now=1059).name == "alice"
    assert sessions.read(cookie, now=1061) is None


def test_sign_out_needs_the_sessions_csrf_token(store, people):
    client = client_for(store)
    sign_in(client, people["alice"])
    forged = client.post("/logout", data={"csrf": "nope"}, follow_redirects=False)
    assert forged.status_code == 403 and "CSRF" in forged.text
    assert "alice (editor)" in client.get("/").text
    token = csrf_of(client.get("/").text)
    copied = client.cookies.get(SESSION_COOKIE)  # a copy of the cookie, taken before signing out
    done = client.post("/logout", data={"csrf": token}, follow_redirects=False)
    assert done.status_code == 303
    assert "alice (editor)" not in client.get("/").text
    # the copy is dead too: it neither shows the user signed in nor writes
    thief = TestClient(client.app, cookies={SESSION_COOKIE: copied})
    assert "alice (editor)" not in thief.get("/").text
    # and signing in again gives a new, live session
    sign_in(client, people["alice"])
    assert "alice (editor)" in client.get("/").text


def test_read_only_mode_refuses_every_write(store, people):
    client = client_for(store, read_only=True)
    assert client.get("/api/events").status_code == 200
    page = client.get("/").text
    assert "read-only" in page and "Sign in" not in page
    refused = client.post("/login", data={"token": people["root"]}, follow_redirects=False)
    assert refused.status_code == 403 and "read-only" in refused.text
    api = client.post("/api/judgements/merge", headers={"Authorization": f"Bearer {people['root']}"}, json={})
    assert api.status_code == 403 and "read-only" in api.json()["detail"]


def test_token_bucket_refills_at_its_rate():
    now = [0.0]
    bucket = TokenBucket(Rate(per_second=2.0, burst=3), clock=lambda: now[0])
    assert [bucket.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take("a") == pytest.approx(0.5)
    assert bucket.take("b") == 0.0  # another client has its own bucket
    now[0] += 0.5
    assert bucket.take("a") == 0.0 and bucket.take("a") > 0


def test_search_and_write_routes_answer_429_with_retry_after(store, people):
    client = client_for(store, limits=Limits(search=Rate(0.01, 3), write=Rate(0.01, 2)))
    codes = [client.get("/api/search", params={"q": q}).status_code for q in ("summit", "party", "forum", "visit")]
    assert codes == [200, 200, 200, 429]
    # an answer already kept costs the server nothing, so asking for it again is no search to limit
    assert client.get("/api/search", params={"q": "summit"}).status_code == 200
    limited = client.get("/search", params={"q": "summit"})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert client.get("/api/events").status_code == 200  # reading lists is not limited
    as_root = {"Authorization": f"Bearer {people['root']}"}
    assert client.get("/api/search", params={"q": "x"}, headers=as_root).status_code == 200  # keyed by user
    writes = [client.post("/login", data={"token": "liaison_guess"}).status_code for _ in range(3)]
    assert writes[-1] == 429 and 429 not in writes[:2]


def test_users_cli(tmp_path):
    from liaison.cli import app

    db = str(tmp_path / "cli.db")
    Store.open(db).close()
    runner = CliRunner()
    added = runner.invoke(app, ["users", "add", "maria", "--role", "admin", "--db", db])
    assert added.exit_code == 0, added.output
    token = re.search(r"liaison_\S+", added.output).group(0)
    assert Users(Store.open(db).engine).by_token(token).role == "admin"
    listed = runner.invoke(app, ["users", "list", "--db", db]).output
    assert "maria" in listed and "admin" in listed and token not in listed
    again = runner.invoke(app, ["users", "add", "maria", "--db", db])
    assert again.exit_code == 2 and "exists already" in again.output
    assert runner.invoke(app, ["users", "revoke", "maria", "--db", db]).exit_code == 0
    assert Users(Store.open(db).engine).by_token(token) is None
    missing = runner.invoke(app, ["users", "revoke", "nobody", "--db", db])
    assert missing.exit_code == 1 and "no user 'nobody'" in missing.output
    revoked = runner.invoke(app, ["users", "rotate", "maria", "--db", db])
    assert revoked.exit_code == 2 and "was revoked" in revoked.output and "liaison_" not in revoked.output
    assert not Users(Store.open(db).engine).get("maria").active
    back = runner.invoke(app, ["users", "add", "maria", "--db", db])
    assert back.exit_code == 0 and "added maria (editor)" in back.output
    assert Users(Store.open(db).engine).by_token(re.search(r"liaison_\S+", back.output).group(0)).name == "maria"


def _raw_post(url: str, path: str, headers: dict, body: bytes = b"", timeout: float = 5.0) -> str:
    """POST over a bare socket: headers that promise a body, then only ``body`` of it."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        head = f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        sock.sendall(head.encode() + b"\r\n" + body)
        return sock.recv(4096).decode("latin-1")  # answered while 50 MB are still "to come"


def test_a_large_body_is_answered_from_its_headers_before_it_is_read(store, people, live_server):
    url = live_server(create_app("unused", store=store))
    big = {"Content-Length": str(50_000_000), "Content-Type": "application/json"}
    # nobody signed in: 401 at once, the 50 MB never read (a server reading them would wait here)
    assert _raw_post(url, "/api/judgements/merge", big, b'{"a":').startswith("HTTP/1.1 401")
    # a writer's too-large body: 413 from the header
    allowed = {**big, "Authorization": f"Bearer {people['alice']}"}
    assert _raw_post(url, "/api/judgements/merge", allowed, b"{").startswith("HTTP/1.1 413")
    # a form too large for a form, even the sign-in one that anybody may send
    form = {"Content-Length": "5000000", "Content-Type": "application/x-www-form-urlencoded"}
    assert _raw_post(url, "/login", form, b"token=").startswith("HTTP/1.1 413")
    # a chunked body, whose size nobody said, is not read either
    chunked = {"Transfer-Encoding": "chunked", "Content-Type": "application/json",
               "Authorization": f"Bearer {people['alice']}"}
    assert _raw_post(url, "/api/judgements/merge", chunked, b"5\r\n{\"a\":\r\n").startswith("HTTP/1.1 411")


def test_the_api_documents_itself_from_this_server_alone(store):
    import re as _re

    from liaison.web.app import node_modules

    client = client_for(store)
    page = client.get("/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text
    assert not _re.search(r"(src|href)=\"(https?:)?//", page.text)  # nothing from another address
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/redoc", follow_redirects=False).headers["location"] == "/docs"
    assert client.get("/openapi.json").json()["info"]["title"] == "Liaison"
    if node_modules() is None:
        pytest.skip("node_modules is not installed (make setup): the Swagger UI files are not served")
    for asset in ("/vendor/swagger-ui-bundle.js", "/vendor/swagger-ui.css", "/static/docs.js"):
        assert client.get(asset).status_code == 200, asset
