"""Extraction scored against gold: the seed articles and the development set.

The seeds (``../shared/seeds``, ``../shared/eval/seeds.gold.json``) are what the
rules were first written against; the development set (``../shared/eval/dev``,
25 other real articles) measures how they carry over to text they were not
written for. Each test fails when a category's F1, or an attribute's accuracy,
falls below its floor: the floors sit just under what the extractor scores now,
so a change that loses ground is caught. Skipped where ../shared is absent.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SHARED

from liaison.ingest import prepare, read_paths
from liaison.model import document_line

pytestmark = pytest.mark.seeds
SEED_FLOORS = {"persons": 0.99, "parties": 0.99, "countries": 0.99, "organizations": 0.99, "events": 0.99,
               "participations": 0.99, "quotes": 0.99, "figures": 0.99, "quotes.speaker": 0.92}
DEV_FLOORS = {"persons": 0.97, "parties": 0.97, "countries": 0.97, "organizations": 0.91, "events": 0.93,
              "participations": 0.81, "quotes": 0.95, "figures": 0.97, "persons.country": 0.92,
              "quotes.speaker": 0.95, "participations.role": 0.84, "events.start": 0.93}


def score(extractor, articles: Path, gold: Path, out: Path) -> dict:
    if not gold.is_file() or not articles.is_dir():
        pytest.skip(f"no gold annotations at {gold} or no articles at {articles}")
    docs = [prepare(raw) for raw in read_paths([str(articles)], 5_000_000)]
    with out.open("w", encoding="utf-8") as handle:
        for doc, facts in extractor.extract_many(docs):
            handle.write(json.dumps(document_line(doc, facts), ensure_ascii=False) + "\n")
    result = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), str(gold), str(out), "--json"],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def below(scores: dict, floors: dict) -> dict:
    got = {k: (scores["attributes"][k]["accuracy"] if "." in k else scores[k]["f1"]) for k in floors}
    return {k: round(got[k], 3) for k, floor in floors.items() if got[k] < floor}


def test_seed_scores_hold(extractor, seeds_dir, tmp_path):
    scores = score(extractor, seeds_dir, SHARED / "eval" / "seeds.gold.json", tmp_path / "seeds.jsonl")
    assert not below(scores, SEED_FLOORS), f"seeds below their floor: {below(scores, SEED_FLOORS)}"


def test_dev_scores_hold(extractor, tmp_path):
    dev = SHARED / "eval" / "dev"
    scores = score(extractor, dev / "articles", dev / "dev.gold.json", tmp_path / "dev.jsonl")
    assert not scores["missing_documents"]
    assert not below(scores, DEV_FLOORS), f"dev set below its floor: {below(scores, DEV_FLOORS)}"
