"""How well the record's events stand for the real ones, across documents.

    python eval/score_events.py RECORD.db GOLD.json [GOLD.json ...] [--scorer ../shared/eval/score.py]
                                [--errors] [--json]

The gold files give every event a ``key`` that is the same in each article that
reports it (``dialogue2017``, ``congress19``, …). Each document's own events in
the record are paired with its gold events by the shared scorer's own event
matching (``score.py``), so the pairs are the ones ``make eval`` counts; then
the record's resolved events are scored as clusters of those (document, event)
pairs with B³ precision and recall (Bagga and Baldwin 1998): precision drops
when one record event holds reports of two real events (a wrong merge), recall
when one real event is split over several record events.

Also printed, over the whole record: events whose name is a bare generic word
("briefing", "visit"), and the share of events that carry a start among those
that a dated article reports.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sqlite3
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENERIC_NAME = re.compile(
    r"^(?:the\s+)?(?:\w+[- ]day\s+)?(?:meeting|summit|dialogue|forum|conference|congress|briefing|visit|talks|"
    r"seminar|symposium|delegation|gathering|trip|training|workshop|programme|program|event|session|plenum|"
    r"convention)s?$", re.I)


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("liaison_eval_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def b_cubed(items: dict, gold_of, system_of) -> tuple[float, float]:
    """B³ precision and recall of the system clusters against the gold ones, over ``items``."""
    by_gold, by_system = defaultdict(set), defaultdict(set)
    for item in items:
        by_gold[gold_of(item)].add(item)
        by_system[system_of(item)].add(item)
    if not items:
        return 1.0, 1.0
    precision = sum(len(by_system[system_of(i)] & by_gold[gold_of(i)]) / len(by_system[system_of(i)])
                    for i in items) / len(items)
    recall = sum(len(by_system[system_of(i)] & by_gold[gold_of(i)]) / len(by_gold[gold_of(i)])
                 for i in items) / len(items)
    return precision, recall


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db")
    parser.add_argument("gold", nargs="+")
    parser.add_argument("--scorer", default=str(ROOT.parent / "shared" / "eval" / "score.py"))
    parser.add_argument("--errors", action="store_true", help="list every split and every wrong merge")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not Path(args.db).is_file():
        sys.exit(f"score_events.py: no record at {args.db}: ingest the articles first (liaison ingest … --db {args.db})")
    if not Path(args.scorer).is_file():
        sys.exit(f"score_events.py: the shared scorer is not at {args.scorer}; pass --scorer")
    score = load_scorer(Path(args.scorer))
    gold_docs = {}
    for path in args.gold:
        for d in json.loads(Path(path).read_text(encoding="utf-8"))["documents"]:
            gold_docs[d["file"]] = d

    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    docs = {r["id"]: (Path(r["source"]).name, r["published"]) for r in conn.execute(
        "SELECT id, source, published FROM documents")}
    per_doc = defaultdict(list)
    for r in conn.execute("SELECT document_id, key, name, start, country, event_id FROM doc_events"):
        per_doc[r["document_id"]].append(dict(r))
    record = {r["id"]: dict(r) for r in conn.execute("SELECT id, name, start, period FROM events")}

    items = {}  # (file, gold key) -> the record event that holds that document's report of it
    names = {}
    for doc_id, (file, _) in docs.items():
        gold = gold_docs.get(file)
        if gold is None:
            continue
        gold_ev = [g for g in gold.get("events") or [] if g.get("key")]
        pred_ev = [{"id": e["key"], "name": e["name"], "start": e["start"], "country": e["country"],
                    "event_id": e["event_id"]} for e in per_doc.get(doc_id, [])]

        def event_score(gi, pi, gold_ev=gold_ev, pred_ev=pred_ev):
            g, p = gold_ev[gi], pred_ev[pi]
            best = max((score.names_overlap(n, p.get("name") or "") for n in g.get("names", [])), default=0)
            s = best if best >= 0.6 else 0.0
            gs = score.parse_date(g.get("start"))
            ge, ps = score.parse_date(g.get("end") or g.get("start")), score.parse_date(p.get("start"))
            if gs and ps and gs - score.timedelta(days=1) <= ps <= (ge or gs) + score.timedelta(days=1):
                if not (g.get("country") and p.get("country") and g["country"] != p["country"]):
                    s = max(s, 0.8) + 0.5
            return s

        for gi, pi in score.match_one_to_one(gold_ev, pred_ev, event_score):
            if pred_ev[pi]["event_id"]:
                items[(file, gold_ev[gi]["key"])] = pred_ev[pi]["event_id"]
                names[gold_ev[gi]["key"]] = gold_ev[gi]["names"][0]

    precision, recall = b_cubed(items, gold_of=lambda i: i[1], system_of=lambda i: items[i])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    generic = sorted(ev["name"] for ev in record.values() if GENERIC_NAME.match(ev["name"].strip()))
    dated_reports = defaultdict(bool)
    for doc_id, (_, published) in docs.items():
        for e in per_doc.get(doc_id, []):
            if e["event_id"]:
                dated_reports[e["event_id"]] |= bool(published or e["start"])
    datable = [eid for eid, dated in dated_reports.items() if dated and eid in record]
    with_start = sum(1 for eid in datable if record[eid]["start"])
    placed = sum(1 for eid in datable if not record[eid]["start"] and record[eid]["period"])
    # the issue's own measure: of the events some article dates (a gold start in any of its reports),
    # how many the record gives a start
    gold_dated = {g["key"] for d in gold_docs.values() for g in d.get("events") or [] if g.get("key") and g.get("start")}
    holder = {}
    for key in gold_dated:
        held = Counter(eid for (f, k), eid in items.items() if k == key)
        if held:
            holder[key] = held.most_common(1)[0][0]
    told_dated = sum(1 for key, eid in holder.items() if record.get(eid, {}).get("start"))
    multi = defaultdict(set)
    for (file, key), eid in items.items():
        multi[key].add(file)
    reported_often = {k for k, files in multi.items() if len(files) > 1}
    whole = sum(1 for k in reported_often if len({items[(f, k)] for f in multi[k]}) == 1)
    result = {"pairs": len(items), "precision": precision, "recall": recall, "f1": f1,
              "events": len(record), "generic_names": generic, "datable": len(datable), "with_start": with_start,
              "reported_by_several": len(reported_often), "kept_whole": whole, "placed_by_period": placed,
              "dated_by_an_article": len(holder), "dated_by_an_article_with_start": told_dated}
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"event clusters (B³ over {len(items)} (document, event) pairs matched to gold)")
    print(f"  precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    print(f"  events reported by several articles: {len(reported_often)}, kept as one event: {whole}")
    print(f"  record events: {len(record)}; with a bare generic name: {len(generic)}"
          + (f" ({', '.join(generic)})" if generic else ""))
    share = with_start / len(datable) if datable else 1.0
    told = told_dated / len(holder) if holder else 1.0
    print(f"  events an article dates: {len(holder)}, with a start in the record: {told_dated} ({told:.0%})")
    print(f"  events a dated article reports: {len(datable)}, with a start: {with_start} ({share:.0%}); "
          f"the rest placed by a period (month, year or bounds): {placed} of {len(datable) - with_start}")
    if args.errors:
        by_event = defaultdict(set)
        for (file, key), eid in items.items():
            by_event[eid].add(key)
        for key in sorted(reported_often):
            held = defaultdict(list)
            for f in sorted(multi[key]):
                held[items[(f, key)]].append(f)
            if len(held) > 1:
                print(f"  [split] {key} ({names[key]!r}) over {len(held)} events: "
                      + "; ".join(f"{record.get(e, {}).get('name')!r} ({len(fs)})" for e, fs in held.items()))
        for key, eid in sorted(holder.items()):
            if not record.get(eid, {}).get("start"):
                print(f"  [no start] {names.get(key, key)!r}: an article dates it, the record does not")
        for eid in sorted(datable):
            if not record[eid]["start"]:
                print(f"  [undated] {record[eid]['name']!r}: a dated article reports it, the record has no start")
        for eid, keys in sorted(by_event.items()):
            if len(keys) > 1:
                print(f"  [merge] {record.get(eid, {}).get('name')!r} holds {', '.join(sorted(keys))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
