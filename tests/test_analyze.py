"""Analyses over the record: attendance, networks, messaging, figures, and the Python API behind them.

The seed tests ingest ../shared/seeds once (with ../shared/data) into a module-wide SQLite file and skip
where those folders are absent; the rest use small records written here.
"""

from __future__ import annotations

import json
from datetime import date

import networkx as nx
import pandas as pd
import pytest
from conftest import SHARED
from typer.testing import CliRunner

import liaison
from liaison.analyze import attendance, centrality, contrast, figures, messaging, network
from liaison.analyze.attendance import ruling
from liaison.analyze.countries import info
from liaison.analyze.messaging import phrases
from liaison.analyze.regimes import RegimeDataError, Regimes
from liaison.cli import app

runner = CliRunner()
SUMMIT_DAY = date(2021, 7, 6)
# Countries of the leaders the Foreign Policy piece names as taking part in the July 2021 summit.
FP_LEADER_COUNTRIES = {"ARG", "BOL", "CUB", "PAK", "PHL", "RUS", "SRB", "ZAF"}
# Countries it names only as examples ("such as …") of where attending parties came from.
FP_EXAMPLE_COUNTRIES = {"AGO", "BGD", "KHM", "LBN", "LKA", "MAR", "MNG", "MOZ", "MYS", "THA", "VNM"}


# -- the seeds, ingested once --------------------------------------------------------------------

@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory):
    seeds, data = SHARED / "seeds", SHARED / "data"
    if not seeds.is_dir() or not data.is_dir():
        pytest.skip(f"the seeds or the reference data are not here ({seeds}, {data})")
    db = tmp_path_factory.mktemp("analyze") / "seeds.db"
    result = runner.invoke(app, ["ingest", str(seeds), "--db", str(db), "--data", str(data), "-q"])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="module")
def rec(seeds_db):
    frames = liaison.open(str(seeds_db), str(SHARED / "data"))
    yield frames
    frames.close()


def the_summit(rec) -> str:
    evs = rec.events(kind="summit")
    found = evs[evs["start"] == SUMMIT_DAY]
    assert len(found) == 1, evs[["id", "name", "start"]]
    return found["id"].iloc[0]


def the_dialogue(rec) -> str:
    evs = rec.events(kind="dialogue")
    assert len(evs) == 1, evs[["id", "name"]]
    return evs["id"].iloc[0]


@pytest.mark.seeds
def test_python_api_gives_the_record_as_frames(rec):
    events = rec.events()
    assert {"id", "kind", "name", "start", "year", "series_id", "sources"} <= set(events.columns)
    summit = events[events["id"] == the_summit(rec)].iloc[0]
    assert summit["year"] == 2021 and summit["sources"] == 2
    parties = rec.entities(type="party")
    assert set(parties["type"]) == {"party"} and "Communist Party of China" in set(parties["name"])
    parts = rec.participations(event=the_summit(rec))
    assert set(parts["event_id"]) == {the_summit(rec)} and (parts["sources"] >= 1).all()
    quotes = rec.quotes()
    assert quotes["quote_id"].is_unique and quotes["text"].str.len().gt(0).all()
    assert len(rec.documents()) == 5
    assert rec.series()["events"].iloc[0] == 2
    q = quotes.iloc[0]
    assert rec.evidence_url(q["document_id"], q["start"], q["end"]) == f"/documents/{q['document_id']}#c{q['start']}"
    with pytest.raises(ValueError, match="no event 'evt-nothing'"):
        rec.participations(event="evt-nothing")


@pytest.mark.seeds
def test_summit_attendance_lists_the_countries_foreign_policy_names_with_regime_types(rec):
    table = attendance(rec, event=the_summit(rec))
    assert set(table["event_id"]) == {the_summit(rec)}
    named = table[table["country"].isin(FP_LEADER_COUNTRIES)]
    assert set(named["country"]) == FP_LEADER_COUNTRIES
    assert named["regime"].notna().all() and (named["regime_year"] == 2021).all()
    regimes = dict(zip(table["country"], table["regime_label"]))
    # the classes the data folder's README lists for 2021
    assert regimes["CUB"] == regimes["CHN"] == regimes["VNM"] == "closed autocracy"
    assert regimes["PAK"] == regimes["RUS"] == regimes["SRB"] == "electoral autocracy"
    assert regimes["ARG"] == regimes["BOL"] == regimes["ZAF"] == "electoral democracy"
    row = table[table["country"] == "ZAF"].iloc[0]
    assert row["region"] == "Southern Africa" and row["memberships"] == "G20; BRICS"
    cpc = table[table["name"] == "Communist Party of China"].iloc[0]
    assert cpc["ruling"] == True  # noqa: E712  (its alias "China's ruling party" says so)
    assert table[table["type"] == "person"]["ruling"].isna().all()  # unknown is None, never False


@pytest.mark.seeds
def test_summit_attendance_also_has_the_countries_named_as_examples(rec):
    table = attendance(rec, event=the_summit(rec))
    assert FP_EXAMPLE_COUNTRIES <= set(table["country"])


@pytest.mark.seeds
def test_attendance_without_data_folder_has_empty_regimes_and_says_so_once(seeds_db):
    result = runner.invoke(app, ["analyze", "attendance", "--db", str(seeds_db), "--format", "json"],
                           env={"LIAISON_DATA": ""})
    assert result.exit_code == 0, result.output
    assert result.output.count("no data folder") == 1
    rows = json.loads(result.output[result.output.index("["):])
    assert rows and all(r["regime"] is None for r in rows)
    assert {r["country"] for r in rows} >= FP_LEADER_COUNTRIES


@pytest.mark.seeds
def test_attendance_cli_by_country_as_csv(seeds_db, rec, tmp_path):
    out = tmp_path / "att.csv"
    result = runner.invoke(app, ["analyze", "attendance", "--db", str(seeds_db), "--data", str(SHARED / "data"),
                                 "--event", the_summit(rec), "--by-country", "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert FP_LEADER_COUNTRIES <= set(table["country"])
    assert table.set_index("country").loc["NPL", "participants"] == 2  # two Nepali communist parties


@pytest.mark.seeds
def test_messaging_finds_the_shared_future_slogan_with_its_variants_across_both_events(rec):
    table = messaging(rec)
    top = table.iloc[0]
    assert "community with a shared future" in top["phrase"]
    assert top["count"] == table["count"].max() and top["count"] >= 4
    variants = top["variants"].split(";")
    assert any("for mankind" in v for v in variants) and any("for humanity" in v for v in variants)
    assert any("community of shared future" in v for v in variants)
    assert {the_summit(rec), the_dialogue(rec)} <= set(top["events"].split(";"))
    quotes = rec.quotes().set_index("quote_id")
    for qid in top["quote_ids"].split(";"):
        assert "shared future" in quotes.loc[qid, "text"].lower()
    assert "2021=" in top["by_year"]


@pytest.mark.seeds
def test_messaging_by_speaker_and_party(rec):
    xi = messaging(rec, speaker="Xi Jinping")
    assert not xi.empty and set(xi["speakers"]) == {"Xi Jinping"}
    cpc = messaging(rec, party="CPC")  # Xi's title names the CPC, so his quotes count
    assert "community with a shared future" in cpc.iloc[0]["phrase"]
    with pytest.raises(ValueError, match="no party"):
        messaging(rec, party="No Such Party")


@pytest.mark.seeds
def test_contrast_scores_terms_of_one_event_against_another(rec):
    a, b = the_dialogue(rec), the_summit(rec)
    table = contrast(rec, a, b)
    assert not table.empty
    top, bottom = table.iloc[0], table.iloc[-1]
    assert top["score"] > 0 and top["count_a"] > top["count_b"]
    assert bottom["score"] < 0 and bottom["count_b"] > bottom["count_a"]
    dialogue_quotes = set(rec.quotes(event=a)["quote_id"])
    assert set(top["quote_ids"].split(";")) & dialogue_quotes
    flipped = contrast(rec, b, a).set_index("term")
    assert flipped.loc[top["term"], "score"] == pytest.approx(-top["score"])


@pytest.mark.seeds
def test_figures_show_the_dialogue_counts_per_source(rec):
    table = figures(rec, event=the_dialogue(rec))
    countries = table[table["unit"] == "countries"]
    assert countries["document_id"].nunique() >= 2  # each source's own figure, not one merged number
    assert set(countries["value"]) == {120}
    assert countries["qualifier"].notna().all()
    assert (countries["spread"] == 0).all() and not countries["disagree"].any()
    for r in countries.itertuples():
        assert "120" in r.evidence
    parties = table[table["unit"] == "parties"]
    assert len(parties) >= 1 and (parties["value"] > 100).all()


@pytest.mark.seeds
@pytest.mark.parametrize("fmt,reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
@pytest.mark.parametrize("of", ["person", "country"])
def test_network_round_trips_through_networkx_readers(seeds_db, rec, tmp_path, fmt, reader, of):
    graph = network(rec, of=of)
    assert graph.number_of_edges() > 0
    path = tmp_path / f"net.{fmt}"
    result = runner.invoke(app, ["analyze", "network", "--db", str(seeds_db), "--of", of, "--format", fmt,
                                 "-o", str(path)])
    assert result.exit_code == 0, result.output
    back = reader(path)
    assert set(back.nodes) == set(graph.nodes)
    assert {frozenset(e) for e in back.edges} == {frozenset(e) for e in graph.edges}
    for a, b, attrs in graph.edges(data=True):
        assert int(back[a][b]["weight"]) == attrs["weight"]
        assert back[a][b]["events"] == attrs["events"]
    for n, attrs in graph.nodes(data=True):
        assert back.nodes[n]["label"] == attrs["label"]


@pytest.mark.seeds
def test_centrality_puts_the_countries_at_both_events_between_them(rec):
    table = centrality(network(rec, of="country")).set_index("node")
    ranked = table["betweenness"].sort_values(ascending=False)
    # China is at every event (it hosts the dialogue and the summit and sends the envoy to Harare);
    # Mongolia, host of the delegation's trip (with Japan and South Korea) and among the summit's example
    # countries, comes next, then Cambodia, at the dialogue (Hun Sen) and among the summit's examples
    assert list(ranked.index[:3]) == ["CHN", "MNG", "KHM"]
    assert ranked["CHN"] > ranked["MNG"] > ranked["KHM"] > ranked.iloc[3]
    assert table.loc["CHN", "degree"] == len(table) - 1
    graph = network(rec, of="country")
    assert all(graph.has_edge(c, "CHN") for c in FP_EXAMPLE_COUNTRIES)


@pytest.mark.seeds
def test_cli_errors_name_the_bad_argument(seeds_db):
    cases = [(["attendance", "--event", "evt-nothing"], "no event 'evt-nothing'"),
             (["attendance", "--from", "2021-13-01"], "--from"),
             (["network", "--of", "planet"], "planet"),
             (["network", "--format", "gexf"], "-o"),
             (["figures", "--format", "xml"], "xml")]
    for args, message in cases:
        result = runner.invoke(app, ["analyze", *args, "--db", str(seeds_db)])
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)


# -- without the seeds -----------------------------------------------------------------------------

def test_slogan_variants_share_one_key():
    keys = [max(phrases(text), key=len) for text in (
        "a community with a shared future for mankind", "the community of shared future for humanity",
        "Community with a Shared Future for Humankind")]
    assert keys[0] == keys[1] == keys[2] == ("community", "shared", "future", "humanity")
    assert ("friendly", "cooperation") in phrases("friendly co-operation") and ("friendly", "cooperation") in phrases(
        "friendly cooperation")


def test_regimes_take_the_latest_year_at_or_before_the_event(tmp_path):
    folder = tmp_path / "owid-political-regime"
    folder.mkdir()
    (folder / "political-regime.csv").write_text(
        "Entity,Code,Year,regime_row_owid\nRuritania,RUR,2015,1\nRuritania,RUR,2019,2\nEurope,,2019,3\n")
    regimes = Regimes.load(tmp_path)
    assert regimes.lookup("RUR", 2019) == (2, 2019)
    assert regimes.lookup("RUR", 2017) == (1, 2015)
    assert regimes.lookup("RUR", 2030) == (2, 2019)
    assert regimes.lookup("RUR", 2010) == (None, None)
    assert regimes.lookup("RUR", None) == (None, None)
    assert not Regimes.load(None) and Regimes.load(None).lookup("RUR", 2019) == (None, None)
    (folder / "political-regime.csv").write_text("Entity,Code,Year\nRuritania,RUR,2015\n")
    with pytest.raises(RegimeDataError, match="regime_row_owid"):
        Regimes.load(tmp_path)


def test_memberships_follow_the_year():
    assert "BRICS" not in info("ZAF", 2005)["memberships"] and "BRICS" in info("ZAF", 2015)["memberships"]
    assert "EU" in info("GBR", 2017)["memberships"] and "EU" not in info("GBR", 2021)["memberships"]
    assert info("MLT", 2021)["memberships"] == "EU"  # not G20: the EU is the member
    assert info("DEU", 2021)["memberships"] == "EU; G7; G20; OECD"
    assert info("COL", 2019)["memberships"] == "" and info("COL", 2021)["memberships"] == "OECD"
    assert info(None)["country_name"] is None


def test_ruling_only_where_the_record_says():
    assert ruling({"name": "Party of Order", "aliases": ["the country's ruling party"], "titles": []}) is True
    assert ruling({"name": "Party of Order", "aliases": ["the main opposition party"], "titles": []}) is False
    assert ruling({"name": "Party of Order", "aliases": [], "titles": []}) is None


class FakeFrames:
    """Just what figures() reads from a RecordFrames: the figures table and evidence sentences."""

    def __init__(self, rows):
        self.rows = pd.DataFrame(rows)

    def figures(self, event=None):
        return self.rows

    def sentence(self, document_id, start, end):
        return f"sentence {start} of {document_id}"

    def evidence_url(self, document_id, start, end=None):
        return f"/documents/{document_id}#c{start}"


def test_figures_keep_each_source_and_flag_disagreement():
    base = {"event_id": "evt-a", "event_name": "A", "unit": "parties", "outlet": None, "published": None,
            "title": None, "subject": "parties", "end": 0}
    rec = FakeFrames([{**base, "document_id": "d1", "value": 300.0, "qualifier": "more than", "start": 5},
                      {**base, "document_id": "d2", "value": 240.0, "qualifier": None, "start": 9,
                       "published": date(2017, 12, 1)},
                      {**base, "unit": "countries", "document_id": "d1", "value": 120.0, "qualifier": None,
                       "start": 20},
                      {**base, "unit": "countries", "document_id": "d2", "value": 120.0, "qualifier": "over",
                       "start": 30},
                      {**base, "event_id": None, "document_id": "d3", "value": 7.0, "qualifier": None, "start": 1}])
    table = figures(rec)
    parties = table[table["unit"] == "parties"]
    assert list(parties["value"]) == [240.0, 300.0]  # dated source first; no average anywhere
    assert set(parties["spread"]) == {60.0} and parties["disagree"].all()
    assert list(parties["evidence"]) == ["sentence 9 of d2", "sentence 5 of d1"]
    countries = table[table["unit"] == "countries"]
    assert len(countries) == 2 and not countries["disagree"].any() and set(countries["spread"]) == {0.0}
    assert "d3" not in set(table["document_id"])  # a figure about no event is not compared


@pytest.mark.seeds
def test_export_writes_the_party_network_for_gephi(seeds_db, rec, tmp_path):
    path = tmp_path / "parties.graphml"
    result = runner.invoke(app, ["export", "--db", str(seeds_db), "--format", "graphml", "-o", str(path)])
    assert result.exit_code == 0, result.output
    back = nx.read_graphml(path)
    assert set(back.nodes) == set(network(rec, of="party").nodes)
    assert {back.nodes[n]["type"] for n in back.nodes} == {"party"}


def test_contractions_and_ordinals_are_not_terms():
    from liaison.analyze.messaging import terms

    assert terms("I'm sure the 19th congress met") == ["sure", "congress", "met", "sure congress", "congress met"]


def test_a_unit_is_disputed_only_when_two_sources_give_different_values():
    from liaison.model import disputed_units

    rows = [{"unit": "parties", "value": 500, "document_id": "a"}, {"unit": "parties", "value": 600, "document_id": "b"},
            {"unit": "days", "value": 3, "document_id": "a"}, {"unit": "days", "value": 4, "document_id": "a"},
            {"unit": "countries", "value": 120, "document_id": "a"},
            {"unit": "countries", "value": 120, "document_id": "b"}]
    assert disputed_units(rows) == {"parties"}
