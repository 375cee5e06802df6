"""Curation in a real browser (Playwright + Chromium, on 127.0.0.1): sign in with a token, merge two
duplicate persons, correct an event's date, reject a wrong participation, and see all three survive
`liaison resolve` and `liaison ingest --force`. Screenshots go to artifacts/screenshots/curation-*.png.
"""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES, SHOTS, need_chromium

pytestmark = pytest.mark.slow
CORPUS = FIXTURES / "curation"


@pytest.fixture(scope="module")
def served(tmp_path_factory, extractor, live_server):
    need_chromium()
    from liaison.pipeline import ingest
    from liaison.store import Store
    from liaison.store.users import Users
    from liaison.web import create_app

    db = tmp_path_factory.mktemp("curation-browser") / "record.db"
    store = Store.open(str(db))
    ingest([str(CORPUS)], store, extractor, max_bytes=5_000_000)
    _, token = Users(store.engine).add("maria")
    return {"url": live_server(create_app(str(db), store=store)), "db": str(db), "store": store, "token": token}


@pytest.fixture(scope="module")
def page(served, chromium):
    tab = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    tab.set_default_timeout(20_000)
    return tab


def ids(store) -> dict:
    record = store.record()
    people = {e["name"]: e["id"] for e in record.entities(type="person")}
    talks = next(e["id"] for e in record.events() if "Mulenga" in e["name"])
    return {"people": people, "talks": talks}


def participant_names(page) -> list[str]:
    return page.locator("#participants a.participant").all_inner_texts()


def test_sign_in_merge_correct_reject_and_all_survive_reresolution_and_reingest(served, page, extractor):
    url, store = served["url"], served["store"]
    found = ids(store)
    people, talks = found["people"], found["talks"]
    assert {"Mary-Anne Kisanga", "Maryanne Kisanga", "Joseph Tembo"} <= set(people), \
        f"the fixture should give two Kisanga entities and Joseph Tembo; got {sorted(people)}"

    # read-only without a token: no controls
    page.goto(f"{url}/events/{talks}")
    assert page.locator("#curate").count() == 0 and page.locator("#sign-in").is_visible()

    # sign in with the token
    page.click("#sign-in")
    page.wait_for_url(re.compile(r"/login\?next=%2Fevents|/login\?next=/events"))
    page.fill("#token", served["token"])
    page.screenshot(path=str(SHOTS / "curation-1-sign-in.png"))
    page.click("form.login button")
    page.wait_for_url(f"**/events/{talks}")
    assert page.locator("#signed-in-as").inner_text() == "maria (editor)"

    # merge the two spellings of the envoy from one entity's page
    page.goto(f"{url}/entities/{people['Mary-Anne Kisanga']}")
    page.fill("#merge-other", people["Maryanne Kisanga"])
    page.fill("#merge-form input[name=why]", "one envoy, two spellings of her name")
    page.screenshot(path=str(SHOTS / "curation-2-entity-controls.png"), full_page=True)
    page.click("#merge-form button[type=submit]")
    page.wait_for_selector("#judged-notice")
    assert "applied" in page.locator("#judged-notice").inner_text()
    assert page.locator("#history-table tr").count() == 2  # header + the merge
    page.screenshot(path=str(SHOTS / "curation-3-merged.png"), full_page=True)

    # correct the talks' date on the event page
    page.goto(f"{url}/events/{talks}")
    page.select_option("#correct-field", "start")
    page.fill("#correct-value", "2023-05-14")
    page.fill("#correct-form input[name=why]", "the party's readout dates the talks to 14 May")
    page.click("#correct-form button[type=submit]")
    page.wait_for_selector("#judged-notice")
    assert page.locator("dl.facts dd").first.inner_text().startswith("2023-05-14")

    # reject the participation of the man who stayed away
    assert "Joseph Tembo" in participant_names(page)
    page.locator("#participants li", has_text="Joseph Tembo").locator("button", has_text="reject").click()
    page.wait_for_selector("#judged-notice")
    assert "Joseph Tembo" not in participant_names(page)
    page.screenshot(path=str(SHOTS / "curation-4-event-after.png"), full_page=True)

    page.goto(f"{url}/review")
    page.screenshot(path=str(SHOTS / "curation-5-review-queue.png"), full_page=True)

    # everything survives `liaison resolve` and `liaison ingest --force` on the same database
    from liaison.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["resolve", "--db", served["db"]]).exit_code == 0
    forced = runner.invoke(app, ["ingest", str(CORPUS), "--force", "--quiet", "--db", served["db"]])
    assert forced.exit_code == 0, forced.output

    page.goto(f"{url}/entities/{people['Maryanne Kisanga']}")  # the retired id leads to the merged person
    merged_name = page.locator("#entity-name").inner_text()
    assert "Kisanga" in merged_name
    assert len(page.locator("#merge-choices option").all()) >= 1
    kisangas = [e for e in store.record().entities(type="person") if "Kisanga" in e["name"]]
    assert len(kisangas) == 1, kisangas
    page.goto(f"{url}/events/{talks}")
    assert page.locator("dl.facts dd").first.inner_text().startswith("2023-05-14")
    assert "Joseph Tembo" not in participant_names(page)
    assert "Peter Mulenga" in participant_names(page)
    outcomes = [row.inner_text() for row in page.locator("#history-table tr").all()[1:]]
    assert len(outcomes) == 2 and all("applied" in o for o in outcomes), outcomes
    page.screenshot(path=str(SHOTS / "curation-6-after-reingest.png"), full_page=True)
