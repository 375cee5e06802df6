"""The five seed articles (read from ../shared/seeds; skipped where that folder is absent)."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from liaison.cli import app
from liaison.store import Store

pytestmark = pytest.mark.seeds
runner = CliRunner()

FURNITURE = [r"subscri", r"sign (in|up)", r"log ?in", r"join the conversation", r"commenting as", r"patreon",
             r"take a second to support", r"download the app", r"one app", r"getty images", r"image credit",
             r"credit:", r"photo by", r"screen grab", r"related stories", r"our picks", r"days free",
             r"premium titles", r"mrc store", r"recent features", r"contributed to this piece"]
TITLES = {
    "000": "Xi Jinping announces ambitious plan to spread China’s influence",
    "001": "Xi Jinping Is Using Party Outreach to Build an Anti-U.S. Bloc",
    "002": "China will not export its political system: Xi",
    "003": "China Seeks ‘Closer Cooperation’ With Political Parties From Around the World",
    "004": "For the First Time, Chinese Communist Party to Hold a World Political Parties Dialogue",
}


def test_seeds_ingest_clean_with_titles_and_byline_date(seeds_dir, tmp_path):
    db = tmp_path / "seeds.db"
    first = runner.invoke(app, ["ingest", str(seeds_dir), "--db", str(db), "-q"])
    assert first.exit_code == 0, first.output
    assert "5 stored" in first.output
    store = Store.open(str(db))
    docs = {d["source"].rsplit("/", 1)[-1][:3]: store.document(d["id"]) for d in store.documents()}
    assert sorted(docs) == sorted(TITLES)
    for key, doc in docs.items():
        assert doc["title"] == TITLES[key]
        lowered = doc["text"].casefold()
        for pattern in FURNITURE:
            assert not re.search(pattern, lowered), (key, pattern)
        paragraphs = [p for p in doc["text"].split("\n\n")]
        assert len(paragraphs) == len(set(paragraphs)), f"{key}: a repeated paragraph"
        assert doc["text"].count(TITLES[key]) <= 1
    assert str(docs["003"]["published"]) == "2021-07-06"
    assert docs["003"]["authors"] == ["Patrick Goodenough"]
    second = runner.invoke(app, ["ingest", str(seeds_dir), "--db", str(db), "-q"])
    assert "0 stored, 0 updated, 5 unchanged" in second.output
    assert store.stats()["documents"] == 5
