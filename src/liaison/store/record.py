"""Reading and writing the resolved record: the queries resolution, export and inspection need."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime, timezone

import sqlalchemy as sa

from liaison.model import ROLES
from liaison.store.schema import (
    app_secrets, doc_entities, doc_events, documents, entities, events, figures, judgements, mentions,
    overrides, participations, quotes, redirects, series,
)

SENTENCE_END = re.compile(r"[.!?][”\"’)]*\s+(?=[“\"‘(]?[A-Z0-9])|\n")
ROLE_RANK = list(ROLES)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _not_rejected(table):
    return sa.or_(table.c.status.is_(None), table.c.status != "rejected")



# PostgreSQL: a resolution's swap and a writer's store of documents never interleave. Writers
# share one advisory lock (they may run together), a resolution's write takes it alone, so the
# resolution's UPDATE of doc_entities cannot meet a writer's DELETE of them in the other order
# (the deadlock two concurrent ingests hit). SQLite has one writer at a time anyway.
WRITE_LOCK = 7413
VERSION_KEY = "record_version"  # in app_secrets: how many resolutions have swapped in a record


def exclude_writers(conn) -> None:
    """Also counts the resolution: every swap of the record moves ``Record.version`` on."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
    row = conn.execute(sa.select(app_secrets.c.value).where(app_secrets.c.name == VERSION_KEY)).first()
    if row is None:
        conn.execute(app_secrets.insert().values(name=VERSION_KEY, value="1"))
    else:
        conn.execute(app_secrets.update().where(app_secrets.c.name == VERSION_KEY)
                     .values(value=str(int(row.value) + 1)))


def share_with_writers(conn) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock_shared({WRITE_LOCK})")

class Record:
    """The resolved record in a store; built by ``Store.record()``."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self._texts: dict[str, str] = {}  # document texts read by sentence(), for this object's life

    # -- inputs to resolution -----------------------------------------------------------

    def doc_entities(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(
                doc_entities.c.document_id, doc_entities.c.key, doc_entities.c.type, doc_entities.c.name,
                doc_entities.c.aliases, doc_entities.c.country, doc_entities.c.titles,
                doc_entities.c.entity_id, doc_entities.c.external_ids)).mappings()]

    def doc_events(self) -> list[dict]:
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(sa.select(doc_events)).mappings()]
            parts = defaultdict(set)
            for r in conn.execute(sa.select(participations.c.document_id, participations.c.event_key,
                                            participations.c.entity_key)):
                parts[(r.document_id, r.event_key)].add(r.entity_key)
        for r in rows:
            r["participant_keys"] = parts.get((r["document_id"], r["key"]), set())
        return rows

    def judgements(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(judgements).order_by(judgements.c.id)).mappings()]

    def add_judgement(self, row: dict) -> int:
        with self.engine.begin() as conn:
            return conn.execute(judgements.insert().values(**row, created_at=_now())).inserted_primary_key[0]

    def judgement(self, judgement_id: int) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(judgements).where(judgements.c.id == judgement_id)).mappings().first()
        return dict(row) if row else None

    def judgements_about(self, ids: set[str]) -> list[dict]:
        """Judgements about ``ids`` (as target, other side, current target or participant) and their undos, newest first."""
        ids = list(ids)
        with self.engine.connect() as conn:
            about_parts = [c.like(pattern) for i in ids if i for c in (judgements.c.current, judgements.c.target)
                           for pattern in (f"part:{i}:%", f"part:%:{i}")]
            rows = [dict(r) for r in conn.execute(sa.select(judgements).where(sa.or_(
                judgements.c.target.in_(ids), judgements.c.other.in_(ids), judgements.c.current.in_(ids),
                *about_parts)).order_by(judgements.c.id.desc())).mappings()]
            undone = {str(r["id"]) for r in rows}
            if undone:  # and the undos of those judgements
                rows += [dict(r) for r in conn.execute(sa.select(judgements).where(
                    judgements.c.action == "undo").where(judgements.c.target.in_(sorted(undone)))).mappings()]
        return sorted(rows, key=lambda r: -r["id"])

    def document_title(self, document_id: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(documents.c.title).where(documents.c.id == document_id)).scalar()

    def retired_ids(self, new_id: str) -> set[str]:
        with self.engine.connect() as conn:
            return {r[0] for r in conn.execute(sa.select(redirects.c.old_id).where(redirects.c.new_id == new_id))}

    def members(self, kind: str, some_id: str) -> list[list[str]]:
        """The per-document facts an entity or event holds now: ``[document_id, key, name]``."""
        table, column = (doc_entities, doc_entities.c.entity_id) if kind == "entity" else (doc_events, doc_events.c.event_id)
        with self.engine.connect() as conn:
            return [[r.document_id, r.key, r.name] for r in conn.execute(
                sa.select(table.c.document_id, table.c.key, table.c.name).where(column == some_id)
                .order_by(table.c.document_id, table.c.key))]

    def fact_row(self, kind: str, row_id: int) -> dict | None:
        table = quotes if kind == "quote" else figures
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(table).where(table.c.id == row_id)).mappings().first()
        return dict(row) if row else None

    def fact_positions(self) -> tuple[dict, dict]:
        """Where each quote and figure sits, (document, start, end) → row id: how judgements find them again."""
        with self.engine.connect() as conn:
            return tuple({(r.document_id, r.start, r.end): r.id for r in conn.execute(
                sa.select(t.c.id, t.c.document_id, t.c.start, t.c.end))} for t in (quotes, figures))

    # -- writing the resolution ---------------------------------------------------------------

    def replace(self, entity_rows: list[dict], entity_members: dict, event_rows: list[dict],
                event_members: dict, series_rows: list[dict], overrides: list[dict] | None = None,
                outcomes: dict[int, dict] | None = None) -> int:
        """Swap in a new resolution in one transaction; returns how many ids were retired."""
        with self.engine.begin() as conn:
            exclude_writers(conn)
            self._judged(conn, overrides or [], outcomes or {})
            old_entity = {(r.document_id, r.key): r.entity_id for r in conn.execute(
                sa.select(doc_entities.c.document_id, doc_entities.c.key, doc_entities.c.entity_id))}
            old_event = {(r.document_id, r.key): r.event_id for r in conn.execute(
                sa.select(doc_events.c.document_id, doc_events.c.key, doc_events.c.event_id))}
            for table in (entities, events, series):
                conn.execute(table.delete())
            if entity_rows:
                conn.execute(entities.insert(), entity_rows)
            if event_rows:
                conn.execute(events.insert(), event_rows)
            if series_rows:
                conn.execute(series.insert(), series_rows)
            self._assign(conn, doc_entities, "entity_id", entity_members)
            self._assign(conn, doc_events, "event_id", event_members)
            retired = self._redirect(conn, old_entity, entity_members) + self._redirect(conn, old_event, event_members)
        return retired

    def patch(self, entity_rows: list[dict], old_entities: dict, new_entities: dict, stale_entities: set,
              event_rows: list[dict], old_events: dict, new_events: dict, stale_events: set,
              overrides: list[dict] | None = None, outcomes: dict[int, dict] | None = None) -> int:
        """Swap in the re-resolution of part of the record in one transaction; returns how many ids were retired.

        ``old_*`` map each re-resolved per-document fact to the id it had, ``new_*`` to the id it has now;
        the things those old ids (and the ``stale_*`` ids, which lost sources) named are replaced by the rows.
        """
        with self.engine.begin() as conn:
            exclude_writers(conn)
            self._judged(conn, overrides or [], outcomes or {})
            for table, rows, old, stale in ((entities, entity_rows, old_entities, stale_entities),
                                            (events, event_rows, old_events, stale_events)):
                drop = sorted(({v for v in old.values() if v} | set(stale) | {r["id"] for r in rows}))
                for i in range(0, len(drop), 500):
                    conn.execute(table.delete().where(table.c.id.in_(drop[i:i + 500])))
                if rows:
                    conn.execute(table.insert(), rows)
            self._assign(conn, doc_entities, "entity_id", new_entities)
            self._assign(conn, doc_events, "event_id", new_events)
            return self._redirect(conn, old_entities, new_entities) + self._redirect(conn, old_events, new_events)

    def stale_ids(self, kind: str, assigned: dict) -> set[str]:
        """Resolved ids whose stored source count no longer matches the per-document facts that carry them."""
        table, column = (entities, entities.c.documents) if kind == "entity" else (events, events.c.sources)
        docs: dict[str, set] = defaultdict(set)
        for (doc, _), some_id in assigned.items():
            if some_id:
                docs[some_id].add(doc)
        with self.engine.connect() as conn:
            return {r.id for r in conn.execute(sa.select(table.c.id, column.label("n")))
                    if len(docs.get(r.id, ())) != r.n}

    def organizers_of(self, event_ids: set[str]) -> set[str]:
        ids = sorted(i for i in event_ids if i)
        out: set[str] = set()
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                out |= {r[0] for r in conn.execute(sa.select(events.c.organizer_id).where(events.c.id.in_(ids[i:i + 500])))}
        return out - {None}

    def events_of_organizers(self, organizers: set[str]) -> list[dict]:
        ids = sorted(organizers)
        with self.engine.connect() as conn:
            return [dict(r) for i in range(0, len(ids), 500) for r in conn.execute(
                sa.select(events).where(events.c.organizer_id.in_(ids[i:i + 500]))).mappings()]

    def replace_series(self, organizers: set[str], rows: list[dict], series_of: dict[str, str | None]) -> None:
        """The series of these organizers, and the series each of their events belongs to."""
        ids = sorted(organizers)
        with self.engine.begin() as conn:
            for i in range(0, len(ids), 500):
                conn.execute(series.delete().where(series.c.organizer_id.in_(ids[i:i + 500])))
            if rows:
                conn.execute(series.insert(), rows)
            if series_of:
                conn.execute(events.update().where(events.c.id == sa.bindparam("eid"))
                             .values(series_id=sa.bindparam("sid")),
                             [{"eid": k, "sid": v} for k, v in series_of.items()])

    @staticmethod
    def _judged(conn, override_rows: list[dict], outcomes: dict[int, dict]) -> None:
        conn.execute(overrides.delete())
        if override_rows:
            conn.execute(overrides.insert(), override_rows)
        if outcomes:
            conn.execute(judgements.update().where(judgements.c.id == sa.bindparam("jid")).values(
                outcome=sa.bindparam("o"), note=sa.bindparam("n"), current=sa.bindparam("c")),
                [{"jid": k, "o": v["outcome"], "n": v["note"], "c": v["current"]} for k, v in outcomes.items()])

    @staticmethod
    def _assign(conn, table, column, members: dict) -> None:
        rows = [{"d": d, "k": k, "v": new_id} for (d, k), new_id in members.items()]
        if rows:
            conn.execute(table.update().where(table.c.document_id == sa.bindparam("d"))
                         .where(table.c.key == sa.bindparam("k")).values({column: sa.bindparam("v")}), rows)

    @staticmethod
    def _redirect(conn, old: dict, new: dict) -> int:
        live = set(new.values())
        moved = defaultdict(lambda: defaultdict(int))
        for ref, old_id in old.items():
            if old_id and old_id not in live and ref in new:
                moved[old_id][new[ref]] += 1
        for old_id, targets in moved.items():
            target = sorted(targets, key=lambda t: (-targets[t], t))[0]
            conn.execute(redirects.delete().where(redirects.c.old_id == old_id))
            conn.execute(redirects.insert().values(old_id=old_id, new_id=target, created_at=_now()))
        # chains: an older redirect to an id retired now points at its successor
        for old_id, targets in moved.items():
            target = sorted(targets, key=lambda t: (-targets[t], t))[0]
            conn.execute(redirects.update().where(redirects.c.new_id == old_id).values(new_id=target))
        conn.execute(redirects.delete().where(sa.or_(redirects.c.old_id.in_(sa.select(entities.c.id)),
                                                     redirects.c.old_id.in_(sa.select(events.c.id)))))
        return len(moved)

    # -- reading -----------------------------------------------------------------------------

    def canonical(self, some_id: str) -> str:
        with self.engine.connect() as conn:
            target = conn.execute(sa.select(redirects.c.new_id).where(redirects.c.old_id == some_id)).scalar()
        return target or some_id

    def entities(self, *, type: str | None = None, country: str | None = None, limit: int | None = None,
                 offset: int = 0) -> list[dict]:
        q = self._entity_query(type, country).order_by(entities.c.documents.desc(), entities.c.name, entities.c.id)
        if limit:
            q = q.limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    def count_entities(self, *, type: str | None = None, country: str | None = None) -> int:
        q = sa.select(sa.func.count()).select_from(self._entity_query(type, country).subquery())
        with self.engine.connect() as conn:
            return conn.execute(q).scalar_one()

    @staticmethod
    def _entity_query(type, country):
        q = sa.select(entities).where(_not_rejected(entities))
        if type:
            q = q.where(entities.c.type == type)
        if country:
            q = q.where(entities.c.country == country.upper())
        return q

    def events(self, *, kind: str | None = None, since=None, until=None, country: str | None = None,
               limit: int | None = None, offset: int = 0) -> list[dict]:
        q = self._event_query(kind, since, until, country).order_by(
            events.c.start.desc().nulls_last(), events.c.sources.desc(), events.c.name, events.c.id)
        if limit:
            q = q.limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    def count_events(self, *, kind: str | None = None, since=None, until=None, country: str | None = None) -> int:
        q = sa.select(sa.func.count()).select_from(self._event_query(kind, since, until, country).subquery())
        with self.engine.connect() as conn:
            return conn.execute(q).scalar_one()

    @staticmethod
    def _event_query(kind, since, until, country):
        q = sa.select(events).where(_not_rejected(events))
        if kind:
            q = q.where(events.c.kind == kind)
        if since:
            q = q.where(events.c.start >= since)
        if until:
            q = q.where(events.c.start <= until)
        if country:
            q = q.where(events.c.country == country.upper())
        return q

    def named(self, query: str, limit: int = 5) -> tuple[list[dict], list[dict]]:
        """Entities and events called ``query`` (name or alias, any case), and failing that the
        nearest names (rapidfuzz), as (exact matches, suggestions); each row has id, name, type/kind."""
        from rapidfuzz import fuzz, utils

        wanted = utils.default_process(query)
        rows = [{"id": e["id"], "name": e["name"], "what": e["type"], "aliases": e["aliases"] or []}
                for e in self.entities()]
        rows += [{"id": e["id"], "name": e["name"], "what": e["kind"], "aliases": e["aliases"] or []}
                 for e in self.events()]
        exact = [r for r in rows if wanted in {utils.default_process(n) for n in (r["name"], *r["aliases"])}]
        if exact:
            return exact[:limit], []
        scored = sorted(((max(fuzz.ratio(wanted, utils.default_process(n)) for n in (r["name"], *r["aliases"])), -i)
                         for i, r in enumerate(rows)), reverse=True)  # the closest spelling of one name first
        return [], [rows[-i] for score, i in scored[:limit] if score >= 60]

    def version(self) -> tuple:
        """What changes whenever the record does: each resolution swapped in (an ingest ends with one,
        so do judgements) and each judgement. Views computed from the record may be kept while it stays
        the same: during a long ingest they show the record as its last resolution left it."""
        with self.engine.connect() as conn:
            return (conn.execute(sa.select(app_secrets.c.value).where(app_secrets.c.name == VERSION_KEY)).scalar(),
                    conn.execute(sa.select(sa.func.max(judgements.c.id))).scalar())

    def series(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(series).order_by(series.c.id)).mappings()]

    def entity_evidence(self, entity_id: str | None = None) -> list[dict]:
        q = (sa.select(doc_entities.c.entity_id, mentions.c.document_id, mentions.c.start, mentions.c.end,
                       mentions.c.text)
             .join(mentions, sa.and_(mentions.c.document_id == doc_entities.c.document_id,
                                     mentions.c.entity_key == doc_entities.c.key)))
        if entity_id:
            q = q.where(doc_entities.c.entity_id == entity_id)
        q = q.order_by(doc_entities.c.entity_id, mentions.c.document_id, mentions.c.start)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    def event_evidence(self, event_id: str | None = None) -> list[dict]:
        q = sa.select(doc_events.c.event_id, doc_events.c.document_id, doc_events.c.name, doc_events.c.spans,
                      doc_events.c.start, doc_events.c.key)
        if event_id:
            q = q.where(doc_events.c.event_id == event_id)
        q = q.order_by(doc_events.c.event_id, doc_events.c.document_id)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    def participations(self, event_id: str | None = None, entity_id: str | None = None,
                       document_id: str | None = None, event_ids=None) -> list[dict]:
        """Resolved participations: one row per (event, entity) with the strongest role and all evidence."""
        de, dv = doc_entities.alias("de"), doc_events.alias("dv")
        q = (sa.select(dv.c.event_id, de.c.entity_id, participations.c.role, participations.c.document_id,
                       participations.c.start, participations.c.end)
             .join(dv, sa.and_(dv.c.document_id == participations.c.document_id, dv.c.key == participations.c.event_key))
             .join(de, sa.and_(de.c.document_id == participations.c.document_id, de.c.key == participations.c.entity_key)))
        if event_id:
            q = q.where(dv.c.event_id == event_id)
        if entity_id:
            q = q.where(de.c.entity_id == entity_id)
        if document_id:
            q = q.where(participations.c.document_id == document_id)
        if event_ids is not None:
            q = q.where(dv.c.event_id.in_(list(event_ids)))
        merged: dict = {}
        judged, rejected = self.verdicts()
        with self.engine.connect() as conn:
            for r in conn.execute(q.order_by(participations.c.document_id, participations.c.start)):
                if r.event_id is None or r.entity_id is None:  # facts not resolved yet: no record fact
                    continue
                key = (r.event_id, r.entity_id)
                if r.event_id in rejected or r.entity_id in rejected:
                    continue
                item = merged.setdefault(key, {"event": r.event_id, "entity": r.entity_id, "role": r.role,
                                               "evidence": []})
                if ROLE_RANK.index(r.role) < ROLE_RANK.index(item["role"]):
                    item["role"] = r.role
                item["evidence"].append({"document": r.document_id, "span": [r.start, r.end]})
        for (ev, ent), item in list(merged.items()):
            said = judged.get(f"part:{ev}:{ent}", {})
            if said.get("status") == "rejected":
                del merged[(ev, ent)]
                continue
            if "role" in said:
                item["role"] = said["role"]
            if "status" in said:
                item["status"] = said["status"]
        return sorted(merged.values(), key=lambda x: (x["event"] or "", x["entity"] or ""))

    def verdicts(self) -> tuple[dict[str, dict], set[str]]:
        """What judgements say about participations, quotes and figures; and the rejected entity and event ids."""
        with self.engine.connect() as conn:
            said: dict[str, dict] = defaultdict(dict)
            for r in conn.execute(sa.select(overrides.c.target, overrides.c.field, overrides.c.value)):
                said[r.target][r.field] = r.value
            rejected = {r[0] for t in (entities, events)
                        for r in conn.execute(sa.select(t.c.id).where(t.c.status == "rejected"))}
        return said, rejected

    def _kept(self, kind: str, rows: list[dict]) -> list[dict]:
        said, _ = self.verdicts()
        out = []
        for r in rows:  # overrides name a quote or figure by where it sits (resolve.fact_key)
            status = said.get(f"{kind}:{r['document_id']}:{r['start']}-{r['end']}", {}).get("status")
            if status != "rejected":
                out.append({**r, "status": status} if status else r)
        return out

    def quotes(self, event_id: str | None = None, speaker_id: str | None = None,
               document_id: str | None = None) -> list[dict]:
        de, dv = doc_entities.alias("de"), doc_events.alias("dv")
        q = (sa.select(quotes.c.id, quotes.c.text, quotes.c.document_id, quotes.c.start, quotes.c.end,
                       de.c.entity_id.label("speaker"), dv.c.event_id.label("event"))
             .outerjoin(de, sa.and_(de.c.document_id == quotes.c.document_id, de.c.key == quotes.c.speaker_key))
             .outerjoin(dv, sa.and_(dv.c.document_id == quotes.c.document_id, dv.c.key == quotes.c.event_key)))
        if event_id:
            q = q.where(dv.c.event_id == event_id)
        if speaker_id:
            q = q.where(de.c.entity_id == speaker_id)
        if document_id:
            q = q.where(quotes.c.document_id == document_id)
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(q.order_by(quotes.c.document_id, quotes.c.start)).mappings()]
        return self._kept("quote", rows)

    def figures(self, event_id: str | None = None, document_id: str | None = None) -> list[dict]:
        dv = doc_events.alias("dv")
        q = (sa.select(figures.c.id, figures.c.value, figures.c.qualifier, figures.c.unit, figures.c.subject,
                       figures.c.document_id, figures.c.start, figures.c.end, dv.c.event_id.label("event"),
                       documents.c.outlet, documents.c.published, documents.c.title)
             .join(documents, documents.c.id == figures.c.document_id)
             .outerjoin(dv, sa.and_(dv.c.document_id == figures.c.document_id, dv.c.key == figures.c.event_key)))
        if event_id:
            q = q.where(dv.c.event_id == event_id)
        if document_id:
            q = q.where(figures.c.document_id == document_id)
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(q.order_by(figures.c.document_id, figures.c.start)).mappings()]
        return self._kept("figure", rows)

    def sentence(self, document_id: str, start: int, end: int) -> str:
        """The sentence (roughly: between stops) around a span of a stored document."""
        text = self._texts.get(document_id)
        if text is None:
            with self.engine.connect() as conn:
                text = conn.execute(sa.select(documents.c.text).where(documents.c.id == document_id)).scalar_one()
            if len(self._texts) > 256:
                self._texts.clear()
            self._texts[document_id] = text
        stops = [m.end() for m in SENTENCE_END.finditer(text, 0, start)]
        left = stops[-1] if stops else 0
        after = SENTENCE_END.search(text, end)
        right = after.end() if after else len(text)
        return text[left:right].strip()


class RecordViews(Record):
    """Read-only views the explorer and the API show (no SQL outside the store)."""

    def entity(self, entity_id: str) -> dict | None:
        found = [e for e in self.entities_by_ids([entity_id])]
        return found[0] if found else None

    def entities_by_ids(self, ids) -> list[dict]:
        ids = list(ids)
        if not ids:
            return []
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(entities).where(entities.c.id.in_(ids))).mappings()]

    def events_by_ids(self, ids) -> list[dict]:
        ids = list(ids)
        if not ids:
            return []
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(events).where(events.c.id.in_(ids))).mappings()]

    def event(self, event_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(events).where(events.c.id == event_id)).mappings().first()
        return dict(row) if row else None

    def series_events(self, series_id: str, limit: int = 50) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(
                sa.select(events.c.id, events.c.name, events.c.start, events.c.kind)
                .where(events.c.series_id == series_id)
                .order_by(events.c.start.nulls_last(), events.c.id).limit(limit)).mappings()]

    def event_documents(self, event_id: str) -> list[dict]:
        q = (sa.select(documents.c.id, documents.c.title, documents.c.outlet, documents.c.published)
             .join(doc_events, doc_events.c.document_id == documents.c.id)
             .where(doc_events.c.event_id == event_id).distinct()
             .order_by(documents.c.published.nulls_last(), documents.c.id))
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    def entity_documents(self, entity_id: str, limit: int = 50) -> list[dict]:
        q = (sa.select(documents.c.id, documents.c.title, documents.c.outlet, documents.c.published)
             .join(doc_entities, doc_entities.c.document_id == documents.c.id)
             .where(doc_entities.c.entity_id == entity_id).distinct()
             .order_by(documents.c.published.desc().nulls_last(), documents.c.id).limit(limit))
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    def document_facts(self, document_id: str) -> dict:
        """Every fact of one document with its span and the resolved thing it is about."""
        with self.engine.connect() as conn:
            ments = [dict(r) for r in conn.execute(
                sa.select(mentions.c.start, mentions.c.end, mentions.c.text, doc_entities.c.entity_id,
                          doc_entities.c.type, doc_entities.c.name, doc_entities.c.key)
                .join(doc_entities, sa.and_(doc_entities.c.document_id == mentions.c.document_id,
                                            doc_entities.c.key == mentions.c.entity_key))
                .where(mentions.c.document_id == document_id).order_by(mentions.c.start)).mappings()]
            evs = [dict(r) for r in conn.execute(
                sa.select(doc_events.c.key, doc_events.c.event_id, doc_events.c.kind, doc_events.c.name,
                          doc_events.c.spans).where(doc_events.c.document_id == document_id)).mappings()]
        return {"mentions": ments, "events": evs, "quotes": self.quotes(document_id=document_id),
                "figures": self.figures(document_id=document_id),
                "participations": self.participations(document_id=document_id)}

    def met_most(self, entity_id: str, limit: int = 10) -> list[dict]:
        """The entities that took part in the most events with this one."""
        mine = {p["event"] for p in self.participations(entity_id=entity_id)}
        counts: dict = defaultdict(int)
        for p in self.participations(event_ids=mine):
            if p["entity"] != entity_id:
                counts[p["entity"]] += 1
        names = {e["id"]: e for e in self.entities_by_ids(counts)}
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [{**names[k], "events": n} for k, n in ranked if k in names]

    def co_attendance(self, etype: str = "party") -> tuple[list[dict], list[dict]]:
        """Nodes and weighted edges: two entities (or countries) that took part in the same events."""
        ents = {e["id"]: e for e in self.entities()}
        by_event: dict = defaultdict(set)
        for p in self.participations():
            e = ents.get(p["entity"])
            if e is None:
                continue
            if etype == "country":
                if e["country"]:
                    by_event[p["event"]].add(e["country"])
            elif e["type"] == etype:
                by_event[p["event"]].add(e["id"])
        weights: dict = defaultdict(int)
        degree: dict = defaultdict(int)
        for members in by_event.values():
            ordered = sorted(members)
            for m in ordered:
                degree[m] += 1
            for i, a in enumerate(ordered):
                for b in ordered[i + 1:]:
                    weights[(a, b)] += 1
        label = (lambda k: k) if etype == "country" else (lambda k: ents[k]["name"])
        nodes = [{"id": k, "label": label(k), "events": n} for k, n in sorted(degree.items())]
        edges = [{"source": a, "target": b, "weight": w} for (a, b), w in sorted(weights.items())]
        return nodes, edges

    def most_active(self, etype: str, limit: int = 10) -> list[dict]:
        """Entities of one type by how many events they took part in (one query)."""
        de, dv = doc_entities.alias("de"), doc_events.alias("dv")
        n = sa.func.count(sa.distinct(dv.c.event_id)).label("events")
        q = (sa.select(entities.c.id, entities.c.name, entities.c.country, n)
             .select_from(participations)
             .join(dv, sa.and_(dv.c.document_id == participations.c.document_id, dv.c.key == participations.c.event_key))
             .join(de, sa.and_(de.c.document_id == participations.c.document_id, de.c.key == participations.c.entity_key))
             .join(entities, entities.c.id == de.c.entity_id)
             .where(entities.c.type == etype).where(_not_rejected(entities))
             .group_by(entities.c.id, entities.c.name, entities.c.country)
             .order_by(n.desc(), entities.c.name).limit(limit))
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    def participation_by_country(self) -> list[dict]:
        ents = {e["id"]: e for e in self.entities()}
        counts: dict = defaultdict(lambda: {"participations": 0, "events": set()})
        for p in self.participations():
            e = ents.get(p["entity"])
            if e and e["country"]:
                counts[e["country"]]["participations"] += 1
                counts[e["country"]]["events"].add(p["event"])
        return [{"country": c, "participations": v["participations"], "events": len(v["events"])}
                for c, v in sorted(counts.items())]

    def search_quotes(self, query: str, limit: int = 20) -> list[dict]:
        """Quotes matching every word of the query (full-text), with their resolved speakers."""
        terms = re.findall(r"\w+", query)
        if not terms:
            return []
        de = doc_entities.alias("de")
        q = (sa.select(quotes.c.text, quotes.c.document_id, quotes.c.start, quotes.c.end,
                       de.c.entity_id, de.c.name)
             .outerjoin(de, sa.and_(de.c.document_id == quotes.c.document_id, de.c.key == quotes.c.speaker_key)))
        if self.engine.dialect.name == "sqlite":
            match = " ".join('"' + t.replace('"', "") + '"' for t in terms)
            q = q.where(quotes.c.id.in_(sa.text("SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH :m")
                                        .bindparams(m=match)))
        else:
            q = q.where(sa.text("quotes.search @@ plainto_tsquery('english', :m)").bindparams(m=" ".join(terms)))
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(q.order_by(quotes.c.document_id, quotes.c.start).limit(limit))
                    .mappings()]
        for r in rows:
            r["speaker"] = {"entity_id": r.pop("entity_id"), "name": r.pop("name")}
        return rows
