"""Curation: people's judgements on the record, kept apart from what the machine extracted.

``judge`` checks a judgement against the record as it is now, records who made it,
when and why, with a snapshot of the per-document facts it is about, and re-resolves
the record so the judgement shows at once. Every later resolution (after an ingest,
``--force`` re-extraction, or ``liaison resolve``) applies all judgements again
(see ``liaison.resolve.judgements``). Nothing here runs NLP; the web layer and the
CLI both call these functions.
"""

from __future__ import annotations

import re
from datetime import date

from liaison.model import ENTITY_TYPES, EVENT_FORMATS, EVENT_KINDS, ROLES
from liaison.resolve.judgements import ENTITY_FIELDS, EVENT_FIELDS

ACTIONS = ("merge", "split", "correct", "reject", "confirm", "distinct", "undo")
ENTITY_PREFIXES = ("per-", "pty-", "org-", "cty-", "plc-", "ent-")


class JudgementError(ValueError):
    """A judgement that cannot be made; the message says why, fit to show a person."""


class NotAllowed(JudgementError, PermissionError):
    """A judgement this person may not make (an editor undoing someone else's); the web answers 403."""


USER_ROLES = ("editor", "admin")  # the roles of liaison.store.users (not a participation's ROLES)


def kind_of(target: str) -> str:
    if target.startswith("evt-"):
        return "event"
    if target.startswith(ENTITY_PREFIXES):
        return "entity"
    for prefix in ("part", "quote", "figure"):
        if target.startswith(prefix + ":"):
            return "participation" if prefix == "part" else prefix
    if target.isdigit():
        return "judgement"
    raise JudgementError(f"{target!r} is not an entity, event, participation (part:EVENT:ENTITY), "
                         "quote (quote:N) or figure (figure:N) id")


def judge(store, action: str, target: str, *, other: str | None = None, field: str | None = None,
          value=None, members=None, author: str, why: str = "", role: str = "admin",
          resolve: bool = True) -> dict:
    """Record a judgement and re-resolve; returns the judgement as stored (with its outcome).

    ``role`` is the author's (see ``undo``); the CLI and the web both come through here.
    """
    if action not in ACTIONS:
        raise JudgementError(f"unknown action {action!r}; one of: {', '.join(ACTIONS)}")
    if not author or not author.strip():
        raise JudgementError("a judgement needs an author (who decided it)")
    if action == "undo":
        number = str(target).strip()
        if not number.isdigit():
            raise JudgementError(f"undo names a judgement by its number (`liaison judgements` lists them), "
                                 f"not {target!r}")
        return undo(store, int(number), author=author, role=role, why=why, resolve=resolve)
    record = store.record()
    target = target.strip()
    kind = kind_of(target)
    if kind in ("entity", "event"):
        target = record.canonical(target)
    payload = _payload(record, action, kind, target, other, field, value, members)
    if action in ("merge", "distinct"):
        other = record.canonical(other.strip())
    row = {"action": action, "target": target, "other": other, "payload": payload, "author": author.strip(),
           "reason": why or None}
    jid = record.add_judgement(row)
    if resolve:
        from liaison.resolve import resolve as run

        run(store)
    return record.judgement(jid)


def undo(store, judgement_id: int, *, author: str, why: str = "", role: str = "admin",
         resolve: bool = True) -> dict:
    """Cancel a judgement (an undo is a judgement too). The rule of who may: an **editor** undoes
    only their own judgements, an **admin** anyone's (else ``NotAllowed``). ``role`` is the
    author's; the default, admin, is for whoever holds the database itself (the Python API, the
    CLI over a database without users)."""
    if role not in USER_ROLES:
        raise JudgementError(f"role {role!r} is not one of {', '.join(USER_ROLES)}")
    record = store.record()
    earlier = record.judgement(judgement_id)
    if earlier is None:
        raise JudgementError(f"there is no judgement {judgement_id}")
    if role != "admin" and earlier["author"] != author.strip():
        raise NotAllowed(f"{author.strip()} is an editor; undoing {earlier['author']}'s judgement {judgement_id} "
                         "needs an admin.")
    jid = record.add_judgement({"action": "undo", "target": str(judgement_id), "other": None,
                                "payload": {"type": "judgement", "judgement": judgement_id,
                                            "undoes": earlier["action"] + " " + earlier["target"]},
                                "author": author.strip(), "reason": why or None})
    if resolve:
        from liaison.resolve import resolve as run

        run(store)
    return record.judgement(jid)


def describe(j: dict) -> str:
    """What a judgement does, in one line (the CLI's tables and the explorer's history both show it)."""
    payload = j.get("payload") or {}
    what = f"{j['action']} {j['target']}"
    if j.get("other"):
        what += f" with {j['other']}"
    if "field" in payload:
        what += f": {payload['field']} → {payload['value']}"
    if j["action"] == "split":
        what += ": " + ", ".join(f"{m[0]}:{m[1]}" for m in payload.get("members", []))
    if j["action"] == "undo" and payload.get("undoes"):
        what += f" ({payload['undoes']})"
    return what


def history(store, some_id: str) -> list[dict]:
    """Every judgement about this id, ids merged into it, or ids it once had; newest first."""
    record = store.record()
    current = record.canonical(some_id)
    ids = {some_id, current} | record.retired_ids(current)
    return record.judgements_about(ids)


def judgements(store, outcome: str | None = None) -> list[dict]:
    rows = store.record().judgements()
    return [r for r in rows if outcome is None or r["outcome"] == outcome]


def _payload(record, action, kind, target, other, field, value, members) -> dict:
    if kind == "judgement":
        raise JudgementError("only an undo can name a judgement")
    if kind in ("entity", "event"):
        thing = record.entity(target) if kind == "entity" else record.event(target)
        if thing is None:
            raise JudgementError(f"there is no {kind} {target}")
        mine = record.members(kind, target)
        if action in ("merge", "distinct"):
            if not other:
                raise JudgementError(f"{action} needs a second {kind} to {action} with")
            other = record.canonical(other.strip())
            if other == target:
                raise JudgementError(f"{target} and {other} are already one {kind}")
            second = record.entity(other) if kind == "entity" else record.event(other)
            if second is None or kind_of(other) != kind:
                raise JudgementError(f"there is no {kind} {other}")
            if kind == "entity" and second["type"] != thing["type"]:
                raise JudgementError(f"cannot merge a {thing['type']} ({target}) with a {second['type']} ({other})")
            return {"type": kind, "a": mine, "b": record.members(kind, other), "members": mine}
        if action == "split":
            wanted = _split_members(mine, members)
            if len(wanted) == len(mine):
                raise JudgementError("a split must leave at least one source with the original")
            return {"type": kind, "members": wanted, "from": mine}
        if action == "correct":
            return {"type": kind, "members": mine, **_field(kind, field, value)}
        return {"type": kind, "members": mine}
    if action in ("merge", "split", "distinct"):
        raise JudgementError(f"{action} applies to entities and events, not to a {kind}")
    if kind == "participation":
        parts = target.split(":")
        if len(parts) != 3:
            raise JudgementError("a participation is named part:EVENT_ID:ENTITY_ID")
        event_id, entity_id = record.canonical(parts[1]), record.canonical(parts[2])
        if not any(p["entity"] == entity_id for p in record.participations(event_id=event_id)):
            raise JudgementError(f"{entity_id} has no part in {event_id}")
        out = {"type": kind, "event": record.members("event", event_id), "entity": record.members("entity", entity_id)}
        if action == "correct":
            out.update(_field(kind, field, value))
        return out
    try:
        row_id = int(target.split(":", 1)[1])
    except ValueError:
        raise JudgementError(f"{target!r}: a {kind} is named {kind}:NUMBER") from None
    row = record.fact_row(kind, row_id)
    if row is None:
        raise JudgementError(f"there is no {kind} {row_id}")
    if action == "correct":
        raise JudgementError(f"a {kind} cannot be corrected field by field; reject it instead")
    return {"type": kind, "document": row["document_id"], "start": row["start"], "end": row["end"],
            "text": (row.get("text") or "")[:200] or None}


def _split_members(mine: list[list[str]], members) -> list[list[str]]:
    """Members named as [document, key] pairs, "DOC:KEY" strings or bare document ids."""
    if not members:
        raise JudgementError("name the sources to split off (documents or DOCUMENT:KEY members)")
    wanted = []
    for m in members:
        if isinstance(m, str):
            doc, _, key = m.partition(":")
        else:
            doc, key = m[0], (m[1] if len(m) > 1 else "")
        hits = [x for x in mine if x[0] == doc and (not key or x[1] == key)]
        if not hits:
            raise JudgementError(f"{m!r} is not one of this thing's sources")
        wanted.extend(h for h in hits if h not in wanted)
    return wanted


def _field(kind: str, field: str | None, value) -> dict:
    allowed = {"entity": ENTITY_FIELDS, "event": EVENT_FIELDS, "participation": {"role"}}[kind]
    if field not in allowed:
        raise JudgementError(f"a {kind} has no field {field!r} to correct; one of: {', '.join(sorted(allowed))}")
    if isinstance(value, str):
        value = value.strip()
    if field in ("start", "end"):
        try:
            value = date.fromisoformat(value).isoformat() if value else None
        except (TypeError, ValueError):
            raise JudgementError(f"{field} must be a date like 2021-07-06, not {value!r}") from None
    elif field == "country":
        if value and not re.fullmatch(r"[A-Za-z]{3}", value):
            raise JudgementError(f"country must be an ISO 3166-1 alpha-3 code like CHN, not {value!r}")
        import pycountry

        if value and pycountry.countries.get(alpha_3=value.upper()) is None:
            raise JudgementError(f"{value!r} is not an ISO 3166-1 alpha-3 country code")
        value = value.upper() if value else None
    elif field == "role" and value not in ROLES:
        raise JudgementError(f"role must be one of: {', '.join(ROLES)}")
    elif field == "kind" and value not in EVENT_KINDS:
        raise JudgementError(f"kind must be one of: {', '.join(EVENT_KINDS)}")
    elif field == "format" and value and value not in EVENT_FORMATS:
        raise JudgementError(f"format must be one of: {', '.join(EVENT_FORMATS)}")
    elif field == "type" and value not in ENTITY_TYPES:
        raise JudgementError(f"type must be one of: {', '.join(ENTITY_TYPES)}")
    elif field in ("name", "place") and not value:
        raise JudgementError(f"{field} cannot be empty")
    return {"field": field, "value": value}


def review_queue(store, limit: int = 50) -> list[dict]:
    """Pairs the resolver kept apart but that look alike, best first, with evidence side by side.

    Entities of one type are compared when they share a name word that few entities
    carry; events when their kinds agree and they share name words or fall within a
    week of each other. Pairs a person already called distinct are left out.
    """
    from rapidfuzz import fuzz

    from liaison.resolve.entities import fold, person_name
    from liaison.resolve.events import kinds_agree, words

    record = store.record()
    said_distinct = {frozenset((j["current"] or j["target"], record.canonical(j["other"] or "")))
                     for j in record.judgements() if j["action"] == "distinct" and j["outcome"] != "undone"}
    candidates: list[dict] = []

    ents = record.entities()
    blocks: dict[tuple, list[dict]] = {}
    for e in ents:
        names = {e["name"], *e["aliases"]}
        toks = {t for n in names for t in (person_name(n) if e["type"] == "person" else fold(n)).split() if len(t) > 2}
        for t in toks:
            blocks.setdefault((e["type"], t), []).append(e)
    seen = set()
    for (etype, _), group in sorted(blocks.items(), key=lambda kv: kv[0]):
        if len(group) > 40 or etype == "country":
            continue
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                pair = frozenset((a["id"], b["id"]))
                if pair in seen or pair in said_distinct:
                    continue
                seen.add(pair)
                score = max(max(fuzz.token_sort_ratio(fold(x), fold(y)),  # word order, and word breaks
                                fuzz.ratio(fold(x).replace(" ", ""), fold(y).replace(" ", "")))
                            for x in {a["name"], *a["aliases"]} for y in {b["name"], *b["aliases"]}) / 100
                reasons = [f"names alike ({score:.0%})"]
                if etype == "person":
                    ta, tb = set(person_name(a["name"]).split()), set(person_name(b["name"]).split())
                    if score < 0.8 and (ta <= tb or tb <= ta):
                        score, reasons = 0.8, ["one name is part of the other"]
                if a["country"] and b["country"] and a["country"] != b["country"]:
                    score *= 0.6
                    reasons.append(f"countries differ ({a['country']} / {b['country']})")
                elif a["country"] and a["country"] == b["country"]:
                    reasons.append(f"same country ({a['country']})")
                if score >= 0.8:
                    candidates.append({"a": a["id"], "b": b["id"], "type": "entity", "score": round(score, 3),
                                       "reasons": reasons, "a_label": a["name"], "b_label": b["name"]})
    ev_blocks: dict[tuple, list[dict]] = {}
    for ev in record.events():
        keys = {("w", w) for w in words(ev["name"])}
        if ev["start"]:
            keys |= {("d", (ev["start"].toordinal() + k) // 7) for k in (0, 7)}
        for k in keys:
            ev_blocks.setdefault(k, []).append(ev)
    for _, group in sorted(ev_blocks.items(), key=lambda kv: str(kv[0])):
        if len(group) > 40:
            continue
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                pair = frozenset((a["id"], b["id"]))
                if pair in seen or pair in said_distinct or not kinds_agree(a["kind"], b["kind"]):
                    continue
                seen.add(pair)
                wa, wb = words(a["name"]), words(b["name"])
                overlap = len(wa & wb) / min(len(wa), len(wb)) if wa and wb else 0.0
                close = bool(a["start"] and b["start"] and abs((a["start"] - b["start"]).days) <= 7)
                score = 0.6 * overlap + (0.4 if close else 0.0)
                if a["country"] and b["country"] and a["country"] != b["country"]:
                    score *= 0.5
                if score >= 0.5:
                    reasons = [f"names share {overlap:.0%} of their words"] + (["dates within a week"] if close else [])
                    candidates.append({"a": a["id"], "b": b["id"], "type": "event", "score": round(score, 3),
                                       "reasons": reasons, "a_label": a["name"], "b_label": b["name"]})
    candidates.sort(key=lambda c: (-c["score"], c["a"], c["b"]))
    out = candidates[:limit]
    for c in out:
        c["a_evidence"] = _evidence(record, c["type"], c["a"])
        c["b_evidence"] = _evidence(record, c["type"], c["b"])
    return out


def _evidence(record, kind: str, some_id: str, limit: int = 3) -> list[dict]:
    rows = record.entity_evidence(some_id) if kind == "entity" else [
        {"document_id": r["document_id"], "start": s[0], "end": s[1]}
        for r in record.event_evidence(some_id) for s in (r["spans"] or [])[:1]]
    out, docs = [], set()
    for r in rows:
        if r["document_id"] in docs:
            continue
        docs.add(r["document_id"])
        doc = record.document_title(r["document_id"])
        out.append({"document": r["document_id"], "title": doc,
                    "sentence": record.sentence(r["document_id"], r["start"], r["end"])})
        if len(out) >= limit:
            break
    return out
