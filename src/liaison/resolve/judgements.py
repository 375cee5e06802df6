"""People's judgements applied to a machine resolution: pure functions, no database.

A judgement names what it is about by the per-document facts the thing had when the
person decided (``[document_id, key, name]`` triples), not only by its id: ids follow
from what a cluster holds, and a re-extraction renumbers nothing a person can see,
but the members are what the person looked at. A member is found again by its
(document, key), or failing that by its (document, name), so ``ingest --force`` with
a changed extractor still finds it.

Judgements are applied in the order they were made, after the machine's clustering:
merges join clusters, splits detach members; corrections, rejections and
confirmations then change the built entity or event. An undo cancels the judgement
it names (an undo of an undo restores it). A judgement whose target cannot be found
is ``orphaned``: reported, never dropped, and applied again if its target returns.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from liaison.resolve.entities import fold

ENTITY_FIELDS = {"name", "country", "type", "titles"}
EVENT_FIELDS = {"name", "kind", "start", "end", "place", "country", "format"}


@dataclass(frozen=True)
class Judgement:
    id: int
    action: str  # merge, split, correct, reject, confirm, distinct, undo
    target: str
    other: str | None = None
    payload: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def about(self) -> str:
        """What kind of thing: entity, event, participation, quote, figure (or judgement for undo)."""
        return self.payload.get("type", "")


@dataclass
class Outcome:
    outcome: str = "applied"  # applied | orphaned | undone
    note: str | None = None
    current: str | None = None


def live(judgements: list[Judgement]) -> tuple[list[Judgement], dict[int, Outcome]]:
    """The judgements still in force, oldest first, and an ``undone`` outcome for the others."""
    undone: set[int] = set()
    outcomes: dict[int, Outcome] = {}
    for j in sorted(judgements, key=lambda j: -j.id):
        if j.id in undone:
            outcomes[j.id] = Outcome("undone", "cancelled by a later undo")
            continue
        if j.action == "undo":
            target = int(j.payload.get("judgement") or j.target)
            undone.add(target)
            outcomes[j.id] = Outcome("applied", None, str(target))
    return [j for j in sorted(judgements, key=lambda j: j.id) if j.id not in undone and j.action != "undo"], outcomes


class Finder:
    """Finds the members a judgement recorded among the per-document facts present now.

    Its index is built on the first search, so a record without judgements never pays for it.
    """

    def __init__(self, items):
        self.items = items
        self.refs: set | None = None
        self.by_name: dict = {}

    def _index(self) -> None:
        self.refs = {i.ref for i in self.items}
        for i in sorted(self.items, key=lambda i: i.ref):
            self.by_name.setdefault((i.document_id, fold(i.name)), i.ref)

    def find(self, members) -> list[tuple[str, str]]:
        if not members:
            return []
        if self.refs is None:
            self._index()
        found = []
        for m in members or ():
            doc, key = m[0], m[1]
            name = m[2] if len(m) > 2 else None
            if (doc, key) in self.refs:
                found.append((doc, key))
            elif name and (doc, fold(name)) in self.by_name:
                found.append(self.by_name[(doc, fold(name))])
        return sorted(set(found))


def regroup(clusters: list[list], judgements: list[Judgement], kind: str,
            outcomes: dict[int, Outcome]) -> list[list]:
    """Apply the merges and splits about ``kind`` ("entity" or "event") to the machine's clusters."""
    mine = [j for j in judgements if j.about == kind and j.action in ("merge", "split")]
    if not mine:
        return clusters
    items = {i.ref: i for members in clusters for i in members}
    finder = Finder(items.values())
    label = {i.ref: n for n, members in enumerate(clusters) for i in members}
    fresh = len(clusters)
    for j in mine:
        if j.action == "merge":
            a, b = finder.find(j.payload.get("a")), finder.find(j.payload.get("b"))
            if not a or not b:
                outcomes[j.id] = Outcome("orphaned", f"{j.target if not a else j.other} no longer has any source")
                continue
            keep = min(label[r] for r in a)
            joining = {label[r] for r in a + b}
            for ref, lab in label.items():
                if lab in joining:
                    label[ref] = keep
        else:
            detach = finder.find(j.payload.get("members"))
            if not detach:
                outcomes[j.id] = Outcome("orphaned", "none of the split-off sources is in the record any more")
                continue
            for ref in detach:
                label[ref] = fresh
            fresh += 1
        outcomes[j.id] = Outcome("applied")
    grouped = defaultdict(list)
    for ref, lab in label.items():
        grouped[lab].append(items[ref])
    return [sorted(g, key=lambda i: i.ref) for g in grouped.values()]


def holder(things: list, refs: list) -> str | None:
    """The id of the built entity or event that holds most of ``refs``."""
    if not refs:
        return None
    owner = {ref: t.id for t in things for ref in t.members}
    counts = Counter(owner[r] for r in refs if r in owner)
    return sorted(counts, key=lambda i: (-counts[i], i))[0] if counts else None


def amend(things: list, judgements: list[Judgement], kind: str, outcomes: dict[int, Outcome],
          finder: Finder) -> dict[str, str]:
    """Apply corrections, rejections and confirmations to built entities or events.

    Returns each thing's status ("checked" or "rejected"); sets ``current`` on every
    judgement about ``kind`` (merges and splits included) to the id its target has now.
    """
    by_id = {t.id: t for t in things}
    status: dict[str, str] = {}
    for j in judgements:
        if j.about != kind:
            continue
        refs = finder.find(j.payload.get("a") if j.action == "merge" else j.payload.get("members"))
        current = holder(things, refs)
        if current is None:
            outcomes[j.id] = Outcome("orphaned", f"{j.target} no longer has any source")
            continue
        outcome = outcomes.setdefault(j.id, Outcome("applied"))
        outcome.current = current
        if outcome.outcome != "applied":
            continue
        thing = by_id[current]
        if j.action == "correct":
            set_field(thing, j.payload["field"], j.payload.get("value"))
        elif j.action in ("reject", "confirm"):
            status[current] = "rejected" if j.action == "reject" else "checked"
    return status


def set_field(thing, name: str, value) -> None:
    if name == "start" and value and getattr(thing, "start", None) and getattr(thing, "end", None):
        moved = date.fromisoformat(value)  # a corrected start moves the end with it: the event keeps its length
        thing.end = moved + (thing.end - thing.start)
    if name in ("start", "end"):
        value = date.fromisoformat(value) if value else None
    elif name == "titles":
        value = [value] if isinstance(value, str) else list(value or [])
    elif name == "country":
        value = value.upper() if value else None
    setattr(thing, name, value)
    if name == "start" and value and getattr(thing, "end", None) and thing.end < value:
        thing.end = value
