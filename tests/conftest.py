"""Shared fixtures: the extractor (loaded once), stores on both backends, the shared folder."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("LIAISON_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def _key_files_in_a_temporary_data_home(tmp_path_factory):
    """Apps over PostgreSQL keep their session key under $XDG_DATA_HOME/liaison: not the tester's home."""
    before = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("data-home"))
    yield
    if before is None:
        os.environ.pop("XDG_DATA_HOME", None)
    else:
        os.environ["XDG_DATA_HOME"] = before


@pytest.fixture(scope="session")
def extractor():
    from liaison.extract import Extractor

    # with the reference data where it is here, as `liaison ingest` and `make eval` run on this machine
    data = SHARED / "data"
    return Extractor.load(data_dir=data if (data / "partyfacts").is_dir() else None)


@pytest.fixture
def seeds_dir() -> Path:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"the seed articles are not here ({seeds} is absent)")
    return seeds


@pytest.fixture
def shared_data() -> Path:
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip(f"the reference data is not here ({data} is absent)")
    return data


def _reset_postgres(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> str:
    """A fresh, empty database on each backend (PostgreSQL when LIAISON_TEST_POSTGRES_URL is set)."""
    if request.param == "sqlite":
        return str(tmp_path / "record.db")
    url = os.environ.get("LIAISON_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must set LIAISON_TEST_POSTGRES_URL (.ci/run starts a PostgreSQL server)")
        pytest.skip("no PostgreSQL server: set LIAISON_TEST_POSTGRES_URL to run the PostgreSQL storage tests")
    _reset_postgres(url)
    return url


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live_server():
    """Serves apps over real HTTP for a test module: ``url = live_server(app)`` starts uvicorn on
    127.0.0.1 (a free port) in a thread; every server stops when the module is done."""
    import threading
    import time

    import uvicorn

    running = []

    def start(app) -> str:
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        running.append((server, thread))
        deadline = time.time() + 20
        while not server.started and time.time() < deadline:
            time.sleep(0.05)
        if not server.started:
            raise RuntimeError(f"the test server on 127.0.0.1:{port} did not start within 20s")
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in running:
        server.should_exit = True
    for server, thread in running:
        thread.join(timeout=10)


@pytest.fixture
def store(db_url):
    from liaison.store import Store

    s = Store.open(db_url)
    yield s
    s.close()


def need_chromium() -> None:
    """Skip a browser test without Chromium; fail it on CI, where .ci/run installs Chromium."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must install Chromium ({CHROMIUM} is missing; .ci/run apt-gets it)")
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium to run the browser tests")


@contextmanager
def launched_chromium():
    """Headless Chromium driven by Playwright; screenshots go to SHOTS. Playwright's sync API allows
    one of these at a time in a process, so a test that prints a PDF must not run inside one."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def chromium():
    """One browser for a test module's pages."""
    with launched_chromium() as browser:
        yield browser
