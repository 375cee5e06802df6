"""Resolution: one entity and one event per real thing, whatever the order of ingest."""

from __future__ import annotations

import json
import random
from datetime import date

import pytest
from conftest import SHARED
from typer.testing import CliRunner

from liaison.cli import app
from liaison.model import period_text
from liaison.resolve import DocEntity, DocEvent, resolve_entities, resolve_events
from liaison.resolve.events import build_events

runner = CliRunner()


def ingest(db, *paths, data=None):
    args = ["ingest", *map(str, paths), "--db", str(db), "-q"]
    if data:
        args += ["--data", str(data)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result


def export(db, tmp_path, name="record.json") -> dict:
    out = tmp_path / name
    result = runner.invoke(app, ["export", "--db", str(db), "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text())


def shape(record: dict) -> dict:
    """What must not depend on ingest order: ids, names, members by source file."""
    docs = {d["id"]: d["source"].rsplit("/", 1)[-1] for d in record["documents"]}
    return {
        "entities": sorted((e["id"], e["name"], tuple(sorted({docs[x["document"]] for x in e["evidence"]})))
                           for e in record["entities"]),
        "events": sorted((e["id"], e["kind"], e["series"], tuple(sorted({docs[x["document"]] for x in e["evidence"]})))
                         for e in record["events"]),
        "participations": sorted((p["event"], p["entity"], p["role"]) for p in record["participations"]),
    }


def seed_checks(record: dict) -> None:
    docs = {d["id"]: d["source"].rsplit("/", 1)[-1][:3] for d in record["documents"]}

    def sources(ev):
        return {docs[x["document"]] for x in ev["evidence"]}

    dialogues = [e for e in record["events"] if sources(e) >= {"002", "004"}]
    assert len(dialogues) == 1, [e["name"] for e in dialogues]
    dialogue = dialogues[0]
    # 001 recalls it as the first edition of the series its summit continues ("since the first ... in 2017")
    assert sources(dialogue) == {"000", "001", "002", "004"}
    assert (dialogue["start"], dialogue["end"]) == ("2017-11-30", "2017-12-03")  # the year only 001 tells
    summits = [e for e in record["events"] if {"001", "003"} <= sources(e)]
    assert len(summits) == 1
    summit = summits[0]
    assert summit["kind"] == "summit" and summit["start"] == "2021-07-06"
    assert dialogue["series"] and dialogue["series"] == summit["series"]
    xi = [e for e in record["entities"] if e["name"] == "Xi Jinping"]
    assert len(xi) == 1 and len({docs[x["document"]] for x in xi[0]["evidence"]}) == 5
    cpc = [e for e in record["entities"] if e["type"] == "party" and e["country"] == "CHN"]
    assert len(cpc) == 1
    assert {"CCP", "CPC", "China’s ruling party", "Chinese Communist Party"} <= set(cpc[0]["aliases"])
    assert all(len(e["country"]) == 3 for e in record["entities"] if e["type"] == "country")
    per_source = {(f["document"], f["value"], f["unit"]) for f in record["figures"] if f["event"] == dialogue["id"]}
    assert len({d for d, _, _ in per_source}) >= 2  # the dialogue's counts, each from its own source
    assert any(v == 120 and u == "countries" for _, v, u in per_source)


@pytest.mark.seeds
def test_seed_record_resolves_events_series_and_entities(seeds_dir, tmp_path, db_url):
    db = db_url  # SQLite and PostgreSQL
    ingest(db, seeds_dir, data=SHARED / "data")
    record = export(db, tmp_path)
    seed_checks(record)
    pty = next(e for e in record["entities"] if e["name"] == "Communist Party of China")
    assert pty["external_ids"].get("partyfacts") == "5124"
    # a full re-resolution gives the same record
    assert runner.invoke(app, ["resolve", "--db", str(db)]).exit_code == 0
    assert shape(export(db, tmp_path, "again.json")) == shape(record)


@pytest.mark.seeds
@pytest.mark.slow
def test_one_at_a_time_in_any_order_gives_the_same_record(seeds_dir, tmp_path):
    files = sorted(seeds_dir.glob("*.txt"))
    reference = None
    for seed in (1, 2):
        order = files[:]
        random.Random(seed).shuffle(order)
        db = tmp_path / f"order{seed}.db"
        for path in order:
            ingest(db, path, data=SHARED / "data")
        record = export(db, tmp_path, f"order{seed}.json")
        seed_checks(record)
        if reference is None:
            reference = shape(record)
        else:
            assert shape(record) == reference


@pytest.mark.seeds
def test_adding_a_document_keeps_existing_ids(seeds_dir, tmp_path):
    files = sorted(seeds_dir.glob("*.txt"))
    db = tmp_path / "grow.db"
    ingest(db, *files[:4])
    before = export(db, tmp_path, "before.json")
    ingest(db, files[4])
    after = export(db, tmp_path, "after.json")
    ids_after = {e["id"] for e in after["entities"]} | {e["id"] for e in after["events"]}
    kept = [e["id"] for e in before["entities"] + before["events"] if e["id"] in ids_after]
    assert len(kept) >= 0.9 * (len(before["entities"]) + len(before["events"]))
    # an id that did go is redirected to where its facts went
    for e in before["entities"] + before["events"]:
        if e["id"] not in ids_after:
            shown = runner.invoke(app, ["show", e["id"], "--db", str(db)])
            assert shown.exit_code == 0, (e["id"], shown.output)


def ent(doc, key, etype, name, country=None, aliases=()):
    return DocEntity(doc, key, etype, name, tuple(aliases), country)


def test_two_people_sharing_a_surname_are_not_merged():
    items = [ent("d1", "e1", "person", "Nawaz Sharif", "PAK"), ent("d2", "e1", "person", "Shehbaz Sharif", "PAK"),
             ent("d3", "e1", "person", "Sharif", "PAK"), ent("d4", "e1", "person", "Nawaz Sharif", "PAK")]
    found = {e.name: e.members for e in resolve_entities(items)}
    assert found["Nawaz Sharif"] == [("d1", "e1"), ("d4", "e1")]
    assert found["Shehbaz Sharif"] == [("d2", "e1")] and found["Sharif"] == [("d3", "e1")]


def test_a_surname_alone_joins_the_one_person_who_carries_it():
    items = [ent("d1", "e1", "person", "Imran Khan", "PAK"), ent("d2", "e4", "person", "Khan", "PAK")]
    (one,) = resolve_entities(items)
    assert one.name == "Imran Khan" and len(one.members) == 2


def test_same_party_name_in_two_countries_stays_two():
    items = [ent("d1", "e1", "party", "Democratic Party", "USA"), ent("d2", "e1", "party", "Democratic Party", "JPN"),
             ent("d3", "e2", "party", "Democratic Party", "USA")]
    found = sorted((e.country, len(e.members)) for e in resolve_entities(items))
    assert found == [("JPN", 1), ("USA", 2)]


def test_result_does_not_depend_on_input_order():
    items = [ent("d1", "e1", "person", "Xi Jinping", "CHN"), ent("d2", "e1", "person", "Xi", "CHN"),
             ent("d3", "e2", "party", "Communist Party of China", "CHN", ["CPC"]),
             ent("d4", "e3", "party", "CPC", "CHN"), ent("d5", "e1", "country", "China", "CHN")]
    first = [(e.id, e.members) for e in resolve_entities(items)]
    for seed in range(5):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        assert [(e.id, e.members) for e in resolve_entities(shuffled)] == first


def ev(doc, name, kind="meeting", start=None, country=None, participants=(), organizer=None, aliases=()):
    return DocEvent(doc, "v1", kind, name, tuple(aliases), start, start, None, country, None, organizer, None,
                    frozenset(participants))


def test_two_meetings_of_one_kind_in_different_months_stay_apart():
    items = [ev("d1", "talks between the Lao and Vietnamese parties", start=date(2019, 3, 4), country="LAO"),
             ev("d2", "talks between the Lao and Vietnamese parties", start=date(2019, 6, 10), country="LAO"),
             ev("d3", "Lao-Vietnamese party talks", start=date(2019, 3, 5), country="LAO")]
    events, _ = resolve_events(items)
    assert sorted(len(e.members) for e in events) == [1, 2]
    march = next(e for e in events if len(e.members) == 2)
    assert {m[0] for m in march.members} == {"d1", "d3"}


def test_pre_announcement_and_report_are_one_event_and_series_link_editions():
    cpc = "pty-cpc"
    items = [
        ev("d1", "World Political Parties Dialogue", "dialogue", organizer=cpc),
        ev("d2", "CPC in Dialogue with World Political Parties High-Level Meeting", "dialogue",
           start=date(2017, 12, 1), country="CHN", organizer=cpc),
        ev("d3", "CPC and World Political Parties Summit", "summit", start=date(2021, 7, 6), organizer=cpc),
        ev("d4", "mostly-virtual summit", "summit", participants={"per-xi", "per-khan"}, organizer=cpc),
        ev("d5", "online summit", "summit", start=date(2021, 7, 6), participants={"per-xi", "per-khan"}),
    ]
    events, series = resolve_events(items, {cpc: ["Communist Party of China", "CPC"]})
    groups = sorted(sorted(m[0] for m in e.members) for e in events)
    assert groups == [["d1", "d2"], ["d3", "d4", "d5"]]
    assert len(series) == 1 and {e.series for e in events} == {series[0].id}



def edition(doc, name, number, kind="congress", start=None, country=None, key="v1"):
    return DocEvent(doc, key, kind, name, (), start, start, None, country, None, None, number, frozenset())


def test_three_editions_of_one_congress_stay_three_and_an_ordinal_joins_its_own():
    items = [edition("d1", "XXV Congress of the Progressive Alliance", 25, start=date(2017, 3, 2)),
             edition("d2", "XXVI Congress of the Progressive Alliance", 26, start=date(2022, 11, 25)),
             edition("d3", "Progressive Alliance Congress", 24),  # undated, but the 24th
             edition("d4", "24th Congress of the Progressive Alliance", 24, start=date(2012, 8, 30)),
             edition("d5", "Forum of the Left", 19, kind="forum"),
             edition("d6", "Forum of the Left", 26, kind="forum", start=date(2023, 6, 29))]
    events, _ = resolve_events(items)
    groups = sorted(sorted(m[0] for m in e.members) for e in events)
    assert groups == [["d1"], ["d2"], ["d3", "d4"], ["d5"], ["d6"]]


def test_an_undated_report_that_could_mean_two_editions_joins_the_one_its_article_agrees_with():
    name = "Dialogue of Left Parties High-Level Meeting"
    items = [DocEvent("a", "v1", "dialogue", name, (), date(2017, 11, 30), date(2017, 12, 3), None, "CHN", None,
                      None, None, frozenset()),
             DocEvent("a", "v2", "congress", "7th Congress of the Workers Party", (), None, None, None, "CHN", None,
                      None, 7, frozenset()),
             DocEvent("b", "v1", "dialogue", name, (), date(2023, 3, 15), date(2023, 3, 15), None, "CHN", None,
                      None, None, frozenset()),
             # undated: either edition by its name alone; it stays apart ...
             DocEvent("c", "v1", "dialogue", "the high-level dialogue of left parties", (), None, None, None, "CHN",
                      None, None, None, frozenset())]
    events, _ = resolve_events(items)
    assert sorted(sorted(m[0] for m in e.members) for e in events if e.kind == "dialogue") == [["a"], ["b"], ["c"]]
    # ... unless its article also tells of the 7th Congress, which the 2017 edition's reporter covers
    items.append(DocEvent("c", "v2", "congress", "7th Workers Party Congress", (), None, None, None, "CHN", None,
                          None, 7, frozenset()))
    events, _ = resolve_events(items)
    groups = sorted(sorted(m for m in e.members) for e in events if e.kind == "dialogue")
    assert groups == [[("a", "v1"), ("c", "v1")], [("b", "v1")]]
    # the same whatever the order of the reports
    for seed in range(5):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        again, _ = resolve_events(shuffled)
        assert sorted(e.members for e in again) == sorted(e.members for e in events)


def test_two_meetings_a_day_apart_are_not_one_for_their_dates_alone():
    items = [ev("d1", "meeting between Hoang Minh and Ana Costa", start=date(2024, 5, 2), country="VNM"),
             ev("d2", "high-level meeting with parties of the region", start=date(2024, 5, 3), country="VNM")]
    events, _ = resolve_events(items)
    assert len(events) == 2

@pytest.mark.seeds
def test_csv_export_has_one_table_per_kind_with_evidence(seeds_dir, tmp_path):
    import csv

    db = tmp_path / "csv.db"
    ingest(db, seeds_dir)
    out = tmp_path / "csv"
    assert runner.invoke(app, ["export", "--db", str(db), "--format", "csv", "-o", str(out)]).exit_code == 0
    names = {p.name for p in out.iterdir()}
    assert {"documents.csv", "entities.csv", "events.csv", "participations.csv", "quotes.csv", "figures.csv"} <= names
    rows = list(csv.DictReader((out / "participations.csv").open(encoding="utf-8")))
    assert rows and all(":" in r["evidence"] and "-" in r["evidence"] for r in rows)
    entities = list(csv.DictReader((out / "entities.csv").open(encoding="utf-8")))
    assert any(r["name"] == "Xi Jinping" for r in entities)


def test_an_event_with_a_bare_generic_name_is_named_by_its_kind_organizer_place_and_days():
    items = [DocEvent("d1", "v1", "visit", "delegation", (), date(2023, 8, 8), date(2023, 8, 10), None, "LAO", None,
                      "pty-cpv", None, frozenset()),
             DocEvent("d2", "v1", "briefing", "the briefing", (), date(2024, 3, 2), None, "Hanoi", "VNM", None, None,
                      None, frozenset()),
             DocEvent("d3", "v1", "summit", "Mekong Parties Summit", (), None, None, None, None, None, None, None,
                      frozenset())]
    events = build_events([[e] for e in items], {"pty-cpv": ["Communist Party of Vietnam", "CPV"]})
    names = sorted(e.name for e in events)
    assert names == ["CPV delegation visit to Laos, 8–10 Aug 2023", "Mekong Parties Summit",
                     "briefing in Hanoi, 2 Mar 2024"]


def test_an_unnumbered_congress_joins_the_one_edition_of_its_party_and_never_two():
    wp = "pty-workers"
    items = [DocEvent("a", "v1", "congress", "Workers Party Congress", (), None, None, None, None, None, wp, None,
                      frozenset(), "XXXX-10"),  # "the Workers Party Congress in October", the year not told
             DocEvent("b", "v1", "congress", "12th Congress of the Workers Party", (), None, None, None, "ZZA", None,
                      wp, 12, frozenset(), "2019-10")]
    events, _ = resolve_events(items)
    assert [sorted(m[0] for m in e.members) for e in events] == [["a", "b"]]
    assert events[0].period == "2019-10" and events[0].start is None
    # a 13th congress in the record: "the party's congress" could be either, and joins neither
    items.append(DocEvent("c", "v1", "congress", "13th Congress of the Workers Party", (), None, None, None, "ZZA",
                          None, wp, 13, frozenset(), "2024-10"))
    events, _ = resolve_events(items)
    assert sorted(sorted(m[0] for m in e.members) for e in events) == [["a"], ["b"], ["c"]]
    # a March report is not of an October congress, whatever else they share
    march = [items[0], DocEvent("d", "v1", "congress", "Workers Party Congress", (), None, None, None, None, None, wp,
                                None, frozenset(), "2019-03")]
    assert len(resolve_events(march)[0]) == 2


def test_an_event_without_a_day_carries_the_period_its_reports_allow():
    def report(doc, period, start=None):
        return DocEvent(doc, "v1", "summit", "Summit of Coastal Parties", (), start, start, None, None, None, None,
                        None, frozenset(), period)

    # a preview published on 24 Nov and a report published on 4 Dec: between the two
    events, _ = resolve_events([report("a", "2017-11-24/.."), report("b", "../2017-12-04")])
    assert len(events) == 1 and events[0].period == "2017-11-24/2017-12-04"
    assert events[0].start is None
    # a month told by one report wins over bounds; a day told by any report leaves no period
    events, _ = resolve_events([report("a", "../2017-12-04"), report("b", "2017-11")])
    assert events[0].period == "2017-11"
    events, _ = resolve_events([report("a", "../2017-12-04"), report("b", None, date(2017, 11, 30))])
    assert events[0].start == date(2017, 11, 30) and events[0].period is None
    # a report placed before a day cannot be of an event weeks after it
    events, _ = resolve_events([report("a", "../2017-06-01"), report("b", None, date(2017, 11, 30))])
    assert len(events) == 2


def test_period_text_says_how_sure_the_date_is():
    assert period_text("2017-10") == "Oct 2017"
    assert period_text("XXXX-10") == "October, year not told"
    assert period_text("../2018-01-08") == "by 8 Jan 2018"
    assert period_text("2017-11-24/..") == "after 24 Nov 2017"
    assert period_text("2017-11-24/2017-12-04") == "between 24 Nov 2017 and 4 Dec 2017"
    assert period_text(None) == ""


def test_a_bare_briefing_with_one_participant_is_named_by_them_and_its_period():
    items = [DocEvent("a", "v1", "briefing", "briefing", (), None, None, None, None, None, None, None,
                      frozenset({"per-guo"}), "../2021-07-06")]
    (event,), _ = resolve_events(items, {"per-guo": ["Guo Yezhou"]})
    assert event.name == "briefing with Guo Yezhou, by 6 Jul 2021"


def test_days_told_without_their_year_take_the_year_another_report_gives():
    def report(doc, period, start=None, country="VNM"):
        return DocEvent(doc, "v1", "forum", "Forum of Mekong Parties", (), start, start, None, country, None, None,
                        None, frozenset(), period)

    # one paper gives the days but no year, the other the year: the days in that year
    events, _ = resolve_events([report("a", "XXXX-11-30/XXXX-12-03"), report("b", "2017")])
    assert len(events) == 1 and (events[0].start, events[0].end) == (date(2017, 11, 30), date(2017, 12, 3))
    assert events[0].period is None
    # an open bound settles the year too: the latest one before it
    events, _ = resolve_events([report("a", "XXXX-11-30/XXXX-12-03"), report("b", "../2018-01-08")])
    assert events[0].start == date(2017, 11, 30)
    # alone, the days stay without a year, and say so
    events, _ = resolve_events([report("a", "XXXX-11-30/XXXX-12-03")])
    assert events[0].start is None and events[0].period == "XXXX-11-30/XXXX-12-03"
    assert period_text(events[0].period) == "30 Nov–3 Dec, year not told"
    assert period_text("XXXX-11-24") == "24 Nov, year not told"
    # days in November and December are no July forum, whatever its year
    events, _ = resolve_events([report("a", "XXXX-11-30/XXXX-12-03"), report("b", None, date(2019, 7, 6))])
    assert len(events) == 2


def test_a_visit_is_known_by_who_went_where():
    def visit(doc, key, name, start=None, country=None, countries=(), who=("per-tran",), kind="visit"):
        return DocEvent(doc, key, kind, name, (), start, start, None, country, None, None, None,
                        frozenset(who), None, tuple(countries))

    items = [
        # one paper: the three-day visit and, the next day, a meeting in the capital
        visit("a", "v1", "three-day visit", date(2023, 5, 8), "LAO"),
        visit("a", "v2", "meeting between Tran Van Minh and the Lao foreign minister", date(2023, 5, 9), "LAO",
              kind="meeting"),
        # another, undated: the same visitor's visit to Laos
        visit("b", "v1", "Tran Van Minh visit to Laos", country="LAO"),
        # a trip to three other countries by a delegation of the same department, undated
        visit("b", "v2", "Organisation Department delegation", countries=("KIR", "SLB", "PNG"), who=("org-od",)),
        # an undated visit by a delegation of that department to somewhere not said
        visit("c", "v1", "Organisation Department delegation", who=("org-od",)),
        # a visit to India by the same department
        visit("d", "v1", "Organisation Department delegation visit", date(2018, 6, 1), "IND", who=("org-od",)),
    ]
    events, _ = resolve_events(items)
    groups = sorted(sorted(e.members) for e in events)
    assert [("a", "v1"), ("b", "v1")] in groups  # the undated report joins the visit, not the meeting
    assert [("a", "v2")] in groups  # the paper told the visit and the meeting apart: they stay apart
    assert [("b", "v2")] in groups  # a trip to the Pacific is no visit to India, nor a visit to nowhere known
    assert len(events) == 5


def test_one_edition_called_a_dialogue_by_one_paper_and_a_summit_by_another_is_one_event():
    cpc = "pty-cpc"

    def report(doc, name, kind, number, period=None, start=None):
        return DocEvent(doc, "v1", kind, name, (), start, start, None, "CHN", None, cpc, number, frozenset(), period)

    items = [report("a", "Dialogue of Mekong Parties", "dialogue", 1, "XXXX-11-30/XXXX-12-03"),
             # a later article recalls "the first Mekong Parties summit, in 2017"
             report("b", "first Mekong Parties summit", "summit", 1, "2017"),
             report("c", "Mekong Parties Summit", "summit", 4, start=date(2021, 7, 6))]
    events, _ = resolve_events(items)
    first = next(e for e in events if e.edition == 1)
    assert sorted(m[0] for m in first.members) == ["a", "b"]
    assert (first.start, first.end) == (date(2017, 11, 30), date(2017, 12, 3))  # the year from the recall
    # another organizer's first summit is not that dialogue
    other = DocEvent("d", "v1", "summit", "first Mekong Parties summit", (), None, None, None, "CHN", None,
                     "pty-other", 1, frozenset(), "2017")
    events, _ = resolve_events(items[:1] + [other])
    assert len(events) == 2


def test_a_founding_long_ago_is_not_this_year_s_founding_meeting(tmp_path):
    """One paper tells of a network founded at a meeting this week; another, years later, recalls that an
    older network was founded at a congress in another city decades before. Two events, each named."""
    a = tmp_path / "a.md"
    a.write_text("---\ntitle: Greens found a new alliance\npublished: 2013-05-23\n---\n\n"
                 "Green political parties from twelve countries founded the Blue Planet Alliance at a meeting in "
                 "Lyon on Wednesday. Dozens of delegates took part in the founding meeting.\n", encoding="utf-8")
    b = tmp_path / "b.md"
    b.write_text("---\ntitle: The old green network meets again\npublished: 2017-03-06\n---\n\n"
                 "The Global Greens, a network of political parties, met in Bergen this week. It traces its "
                 "roots to a founding congress in Melbourne in 2001, and many of its members also joined the Blue Planet Alliance.\n",
                 encoding="utf-8")
    db = tmp_path / "greens.db"
    ingest(db, a, b)
    events = {e["name"]: e for e in export(db, tmp_path)["events"]}
    assert "founding congress" in events and "founding meeting" in events, sorted(events)
    assert events["founding congress"]["period"] == "2001"  # its one year, told beside its city
    assert events["founding meeting"]["start"] == "2013-05-22"
