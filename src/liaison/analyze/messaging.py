"""What is said: the slogans and key phrases repeated across quotes, their variants grouped, and the
terms that set one event's quotes apart from another's.

Phrases are n-grams of a quote's words that begin and end with a content word (not a stop word).
Two phrases are variants of one another when they have the same *key*: their content words, lower-cased,
with synonyms folded (mankind, humanity and humankind are one word here; "co-operation" is
"cooperation"). So "a community with a shared future for mankind", "community of shared future for
humanity" and "community with a shared future for humankind" share the key
``community shared future humanity``.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

import pandas as pd
from spacy.lang.en.stop_words import STOP_WORDS

from liaison.frames import RecordFrames

WORD = re.compile(r"(?<!\w)[^\W\d_]+(?:[’'\-][^\W\d_]+)*")  # words, not the "th" of "19th"
SYNONYMS = {"mankind": "humanity", "humankind": "humanity"}
MAX_CONTENT = 12  # content words in a phrase
MAX_SPAN = 24  # words in a phrase, stop words included
INSIDE = 0.75  # a phrase said mostly (this share of its quotes) inside a longer one folds into it
MESSAGING_COLUMNS = ["phrase", "variants", "count", "documents", "speakers", "events", "years", "by_event",
                     "by_year", "quote_ids", "key"]
CONTRAST_COLUMNS = ["term", "count_a", "count_b", "score", "quote_ids"]


def tokens(text: str) -> list[tuple[str, str | None]]:
    """(surface word, folded content word or None for a stop word) for each word of a text."""
    found = []
    for m in WORD.finditer(text or ""):
        surface = m.group(0).lower().replace("’", "'")
        word = re.sub(r"'s$", "", surface).replace("-", "").replace("'", "")
        folded = SYNONYMS.get(word, word)
        stop = (surface in STOP_WORDS or word in STOP_WORDS or surface.split("'")[0] in STOP_WORDS  # I'm, we're
                or len(word) < 2)
        found.append((surface, None if stop else folded))
    return found


def phrases(text: str) -> dict[tuple, str]:
    """Every candidate phrase of a text: key → its surface form (the first one, when a key repeats)."""
    toks = tokens(text)
    found: dict[tuple, str] = {}
    for i, (_, first) in enumerate(toks):
        if first is None:
            continue
        key = [first]
        for j in range(i + 1, min(len(toks), i + MAX_SPAN)):
            word = toks[j][1]
            if word is None:
                continue
            key.append(word)
            if len(key) > MAX_CONTENT:
                break
            found.setdefault(tuple(key), " ".join(s for s, _ in toks[i:j + 1]))
    return found


def _within(seq: tuple, part: tuple) -> bool:
    n = len(part)
    return any(seq[i:i + n] == part for i in range(len(seq) - n + 1))


def _overlaps(a: tuple, b: tuple) -> bool:
    """Whether two keys are windows of one longer phrase (b's start or end, two words or more, lies in a)."""
    return _within(a, b[:2]) or _within(a, b[-2:])


def _longer_forms(candidates) -> dict[tuple, list[tuple]]:
    """For each candidate key, the longer candidate keys that contain it (indexed, not compared pairwise)."""
    index: dict[tuple, list[tuple]] = defaultdict(list)
    for key in candidates:
        parts = {key[i:j] for i in range(len(key)) for j in range(i + 1, len(key) + 1) if j - i < len(key)}
        for part in parts:
            if part in candidates:
                index[part].append(key)
    return index


def _fold(candidates: dict[tuple, set], longer: dict[tuple, list[tuple]]) -> dict[tuple, set]:
    """Drop a phrase said mostly inside a longer one, and windows of a long phrase said in the same quotes."""
    kept: dict[tuple, set] = {}
    by_quotes: dict[frozenset, list[tuple]] = defaultdict(list)
    for key in sorted(candidates, key=lambda k: (-len(k), k)):
        ids = candidates[key]
        if any(len(candidates[other] & ids) >= INSIDE * len(ids) for other in longer.get(key, ())):
            continue
        same = by_quotes[frozenset(ids)]
        if any(_overlaps(other, key) for other in same):
            continue
        kept[key] = ids
        same.append(key)
    return kept


def _speaker_ids(rec: RecordFrames, speaker=None, party=None) -> set[str] | None:
    """The entity ids whose quotes count: a speaker (id or name), or a party and the people whose titles
    name it ("General Secretary of the CPC Central Committee" belongs to the CPC). None: everyone."""
    if speaker is None and party is None:
        return None
    ents = rec.record.entities()
    if speaker is not None:
        target = rec.record.canonical(speaker)
        ids = {e["id"] for e in ents if e["id"] == target or e["name"].casefold() == speaker.casefold()
               or speaker.casefold() in (a.casefold() for a in e["aliases"])}
        if not ids:
            raise ValueError(f"no speaker {speaker!r}; `liaison entities --type person` lists them")
        return ids
    target = rec.record.canonical(party)
    parties = [e for e in ents if e["type"] == "party" and (e["id"] == target or e["name"].casefold() == party.casefold()
                                                            or party.casefold() in (a.casefold() for a in e["aliases"]))]
    if not parties:
        raise ValueError(f"no party {party!r}; `liaison entities --type party` lists them")
    names = {n for p in parties for n in [p["name"], *p["aliases"]] if len(n) >= 3}
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b")
    ids = {p["id"] for p in parties}
    ids |= {e["id"] for e in ents if e["type"] in ("person", "organization") and e["id"] not in ids and
            (any(pattern.search(t) for t in e["titles"]) or (e["type"] == "organization" and pattern.search(e["name"])))}
    return ids


def _quotes(rec: RecordFrames, speaker=None, party=None, event=None) -> pd.DataFrame:
    frame = rec.quotes(event)
    ids = _speaker_ids(rec, speaker, party)
    if ids is not None:
        frame = frame[frame["speaker_id"].isin(ids)]
    return frame


def _joined(values) -> str:
    return ";".join(sorted({str(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))
                            and v is not pd.NA}))


def messaging(rec: RecordFrames, speaker=None, party=None, event=None, min_count: int = 2) -> pd.DataFrame:
    """Phrases said in at least ``min_count`` quotes, most repeated first, each with its variants.

    A phrase said mostly (three quotes in four) inside a longer one is left out for the longer one; a
    shorter phrase said more often than that on its own stays, and lists its longer forms among its variants.
    """
    quotes = _quotes(rec, speaker, party, event)
    by_key: dict[tuple, set] = defaultdict(set)
    surfaces: dict[tuple, Counter] = defaultdict(Counter)
    info = {}
    for q in quotes.to_dict("records"):
        info[q["quote_id"]] = q
        for key, surface in phrases(q["text"]).items():
            by_key[key].add(q["quote_id"])
            surfaces[key][surface] += 1
    candidates = {k: v for k, v in by_key.items() if len(v) >= min_count and len(k) >= 2}
    longer_forms = _longer_forms(candidates)
    kept = _fold(candidates, longer_forms)
    rows = []
    for key, ids in kept.items():
        own = surfaces[key]
        longer = [o for o in longer_forms.get(key, ()) if len(o) <= len(key) + 2]
        variants = Counter(own)
        for o in longer:
            variants.update(surfaces[o])
        phrase = sorted(own.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0][0]
        qs = [info[i] for i in sorted(ids)]
        by_event = Counter(q["event_id"] or "(no event)" for q in qs)
        by_year = Counter(str(q["year"]) if q["year"] is not pd.NA and q["year"] is not None else "?" for q in qs)
        rows.append({"phrase": phrase, "variants": ";".join(sorted(variants, key=lambda s: (-variants[s], s))),
                     "count": len(ids), "documents": len({q["document_id"] for q in qs}),
                     "speakers": _joined(q["speaker"] for q in qs), "events": _joined(q["event_id"] for q in qs),
                     "years": _joined(q["year"] for q in qs),
                     "by_event": "; ".join(f"{e}={n}" for e, n in sorted(by_event.items())),
                     "by_year": "; ".join(f"{y}={n}" for y, n in sorted(by_year.items())),
                     "quote_ids": ";".join(sorted(ids)), "key": " ".join(key)})
    frame = pd.DataFrame(rows, columns=MESSAGING_COLUMNS)
    if frame.empty:
        return frame
    frame["_len"] = frame["key"].str.count(" ")
    frame = frame.sort_values(["count", "documents", "_len", "phrase"], ascending=[False, False, False, True])
    return frame.drop(columns="_len").reset_index(drop=True)


def terms(text: str) -> list[str]:
    """Content words (folded) and pairs of neighbouring content words of a text."""
    words = [w for _, w in tokens(text) if w]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def contrast(rec: RecordFrames, event_a: str, event_b: str, min_count: int = 2, prior: float = 100.0) -> pd.DataFrame:
    """Terms that rise or fall between two events' quotes, by the log-odds ratio with an informative
    Dirichlet prior (Monroe, Colaresi and Quinn 2008), as a z-score: positive means more typical of
    ``event_a``, negative of ``event_b``. ``prior`` is the prior's total weight, spread over terms in
    proportion to their count in both events together. Terms said fewer than ``min_count`` times in
    both together are left out."""
    quotes_a, quotes_b = rec.quotes(event_a), rec.quotes(event_b)
    counts = {"a": Counter(), "b": Counter()}
    behind: dict[str, set] = defaultdict(set)
    for side, frame in (("a", quotes_a), ("b", quotes_b)):
        for q in frame.to_dict("records"):
            for term in terms(q["text"]):
                counts[side][term] += 1
                behind[term].add(q["quote_id"])
    n_a, n_b = sum(counts["a"].values()), sum(counts["b"].values())
    total = n_a + n_b
    rows = []
    for term in set(counts["a"]) | set(counts["b"]):
        y_a, y_b = counts["a"][term], counts["b"][term]
        if y_a + y_b < min_count:
            continue
        alpha = prior * (y_a + y_b) / total
        delta = (math.log((y_a + alpha) / (n_a + prior - y_a - alpha))
                 - math.log((y_b + alpha) / (n_b + prior - y_b - alpha)))
        z = delta / math.sqrt(1 / (y_a + alpha) + 1 / (y_b + alpha))
        rows.append({"term": term, "count_a": y_a, "count_b": y_b, "score": round(z, 4),
                     "quote_ids": ";".join(sorted(behind[term]))})
    frame = pd.DataFrame(rows, columns=CONTRAST_COLUMNS)
    if frame.empty:
        return frame
    return frame.sort_values(["score", "term"], ascending=[False, True]).reset_index(drop=True)
