"""Event frames read from the dependency parse: who met, visited, attended or addressed what.

A frame is a trigger word and the arguments the parser attaches to it, in the
spirit of event coders' verb dictionaries (PLOVER/CAMEO) with party diplomacy's
own verbs. Arguments come from the tree, not from the words' order: the subject
(``nsubj``, or the subject of the verb it depends on for "became the first
official to visit"), the object, the object of "with", "to", "in" or "by", and
everything conjoined to them ("A, B and C" gives three). A pronoun subject
("He will hold meetings with …") stands for the person last named before it.

Frames:

- **meeting**: "X met (here today) with Y", "X received Y", "X will hold meetings
  with Y and Z", "the Executive Committee of P met yesterday": X hosts, Y attends;
  a body that met on its own holds a meeting of itself.
- **visit**: "X visited C", "X arrived in C for a three-day visit", "X made trips to
  A, B and C", "X led a delegation to A and B", "X's visit to C": one visit per
  destination, X as the delegation; "X visited Y in Beijing" is a visit to Y, who
  hosts it.

Each frame gives an event mention (its name built from its arguments: "Liu
Jianchao visit to Japan") and the roles of its arguments; ``EventFinder`` groups
the mentions with the others and adds the roles to the event each ends up in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MEET_VERBS = {"met", "meet", "meets", "meeting"}
RECEIVE_VERBS = {"received", "receives", "receive", "receiving"}
TALK_NOUNS = {"meetings", "meeting", "talks", "consultations"}
HOLD_VERBS = {"hold", "holds", "held", "holding", "have", "has", "had"}
VISIT_VERBS = {"visited", "visit", "visits", "visiting", "toured", "tour", "tours"}
ARRIVE_VERBS = {"arrived", "arrives", "arrive", "arriving", "landed"}
TRIP_NOUNS = {"trip", "trips", "visit", "visits", "tour", "tours", "delegation"}
TRIP_VERBS = {"made", "make", "makes", "making", "paid", "pay", "pays", "paying", "led", "lead", "leads",
              "leading", "headed", "heads", "began", "begins", "start", "started", "undertook", "undertake",
              "undertakes", "undertaking", "undertaken", "completed", "concluded", "wrapped"}
ATTEND_VERBS = {"attended", "attend", "attends", "attending", "participated", "participate", "participates",
                "participating", "joined"}
PART_VERBS = {"take", "took", "takes", "taking", "taken"}
SPEAK_VERBS = {"addressed", "addresses", "address", "spoke", "speaks", "delivered", "delivers", "deliver", "gave",
               "gives", "give"}
BEING_VERBS = {"was", "is", "were", "are", "arrived", "arrives", "came", "comes", "travelled", "traveled", "flew",
               "went"}
# what a speaker does at a meeting, in the reports that go through its programme turn by turn
REPORT_VERBS = {"presented", "reiterated", "thanked", "introduced", "reported", "highlighted", "emphasised",
                "emphasized", "stressed", "underlined", "underscored", "urged", "welcomed", "opened", "chaired",
                "presided", "briefed", "outlined", "proposed", "hailed", "praised", "called"}
HOST_VERBS = {"host", "hosts", "hosted", "hosting"}
FEATURE_VERBS = {"featured", "features", "feature"}
LED_NOUNS = {"visit", "delegation", "trip", "mission", "tour"}
SPEECHES = {"speech", "speeches", "address", "remarks", "keynote", "lecture"}
ACTORS = ("person", "party", "organization")
OFFICES = {"secretary", "president", "chairman", "chairwoman", "chairperson", "chair", "head", "director", "leader",
           "member", "minister", "deputy", "vice", "chief", "governor", "spokesperson", "spokesman", "ambassador"}
PRONOUNS = {"he", "she", "him", "her"}
SUBJECTS = {"nsubj", "nsubjpass"}


@dataclass
class Frame:
    kind: str  # "meeting" or "visit"
    start: int  # the character span of the event mention the frame gives
    end: int
    name: str
    place: str | None = None  # the destination or venue named in the frame
    roles: list[tuple[object, str]] = field(default_factory=list)  # (EntityFact, role)
    mention: object = None  # the event mention it gives or joins, set by the event finder
    target: int | None = None  # attend and speak frames: where the event they name is mentioned
    targets: list[int] = field(default_factory=list)  # every object that may name it, in order
    weak: bool = False  # a speaker read from a report verb alone: adds a role, never replaces one


class FrameReader:
    """Reads the frames of one parsed document; entities come from the entity finder."""

    def __init__(self, parsed, entities):
        self.doc = parsed
        self.by_token: dict[int, object] = {}
        self.order: list[tuple[int, object]] = []  # (token index, person) for pronouns
        for ent in entities:
            for s, e in ent.mentions:
                span = parsed.char_span(s, e, alignment_mode="expand")
                if span is None:
                    continue
                for tok in span:
                    self.by_token.setdefault(tok.i, ent)
                if ent.type == "person":
                    self.order.append((span.start, ent))
        self.order.sort(key=lambda x: x[0])

    # -- arguments ----------------------------------------------------------------

    def entity(self, tok):
        """The entity a noun token names, looking through 'leaders of P' to P."""
        if tok.i in self.by_token:
            return self.by_token[tok.i]
        if tok.lower_ in PRONOUNS:  # the person last named before it, preferring one who was a subject
            before = [(i, ent) for i, ent in self.order if i < tok.i and self.doc[i].sent.start < tok.sent.start]
            subjects = [ent for i, ent in before if self.doc[i].dep_ in SUBJECTS
                        or self.doc[i].head.dep_ in SUBJECTS]
            return subjects[-1] if subjects else (before[-1][1] if before else None)
        up = tok  # "X, General Secretary of P and Senate President, who …": the office stands for X
        for _ in range(3):
            if up.dep_ not in ("appos", "conj") or up.head is up:
                break
            up = up.head
            if up.i in self.by_token and self.by_token[up.i].type == "person":
                return self.by_token[up.i]
        if tok.lower_ in OFFICES:  # "Vice Secretary of the Party Committee of the … Bloc Pham Tan Cong": the holder
            holder = next((self.by_token[t.i] for t in tok.subtree if t.i in self.by_token
                           and self.by_token[t.i].type == "person"), None)
            if holder is not None:
                return holder
        for child in tok.children:  # "the delegation, headed by X": X
            if child.dep_ in ("acl", "relcl") and child.lower_ in ("headed", "led", "chaired"):
                for pobj in self.preps(child, {"by"}):
                    if (found := self.entity(pobj)) is not None:
                        return found
        for t in tok.subtree:  # "the head of P's department, X": the person in apposition first
            if t.dep_ == "appos" and t.i in self.by_token and self.by_token[t.i].type == "person" \
                    and t.i - tok.i < 25:
                return self.by_token[t.i]
        for child in tok.children:
            if child.dep_ in ("prep",) and child.lower_ in ("of", "from"):
                for pobj in child.children:
                    if pobj.dep_ == "pobj" and (found := self.entity(pobj)) is not None:
                        return found
            if child.dep_ in ("compound", "poss", "appos", "nmod") and child.i in self.by_token:
                return self.by_token[child.i]
        return None

    def in_subtree(self, tok) -> list:
        """The people, parties and bodies named inside a noun phrase ('a delegation of P led by X')."""
        out = []
        for t in tok.subtree:
            ent = self.by_token.get(t.i)
            if ent is not None and ent.type in ("person", "party", "organization") and ent not in out:
                out.append(ent)
        return out

    @staticmethod
    def conjoined(tok) -> list:
        out, todo = [], [tok]
        while todo:
            t = todo.pop()
            out.append(t)
            todo.extend(c for c in t.children if c.dep_ == "conj")
        return sorted(out, key=lambda t: t.i)

    def entities(self, tok, types=ACTORS) -> list:
        seen, out = set(), []
        for t in self.conjoined(tok):
            ent = self.entity(t)
            if ent is not None and ent.type in types and ent.id not in seen:
                seen.add(ent.id)
                out.append(ent)
        return out

    def subject(self, verb):
        """The verb's subject, or for 'to visit' and 'who visited' the subject it inherits."""
        node = verb
        for _ in range(4):
            subjects = [c for c in node.children if c.dep_ in SUBJECTS]  # "Beijing, Dec 2 -- X met": X, not Beijing
            subj = next((c for c in subjects if (e := self.entity(c)) is not None and e.type in ACTORS),
                        subjects[0] if subjects else None)
            if subj is not None:
                if subj.lower_ in ("who", "which", "that") and node.dep_ == "relcl":
                    return self.antecedent(node.head, person=subj.lower_ == "who")
                return subj
            if node.dep_ == "conj":  # "X visited A, and a month earlier his deputy Y, led …": Y
                own = next((c for c in node.head.children if node.head.i < c.i < node.i and c.dep_ in (
                    "npadvmod", "dep", "appos", "nsubj") and c.i in self.by_token
                    and self.by_token[c.i].type == "person"), None)
                if own is not None:
                    return own
            if node.dep_ in ("xcomp", "advcl", "conj", "ccomp") and node.head is not node:
                node = node.head
            elif node.dep_ in ("relcl", "acl") and node.head is not node:
                head = node.head  # "X became the first official to visit C": X
                if head.dep_ in ("attr", "acomp", "oprd") and head.head is not head:
                    node = head.head
                    continue
                return head
            else:
                return None
        return None

    def antecedent(self, head, person: bool):
        """What a relative clause is about: for 'who', the person the parser's head noun belongs to
        ('X, Vice President of the P, who was …': X, though the clause hangs on P)."""
        if not person:
            return head
        node = head
        for _ in range(5):
            found = self.entity(node)
            if found is not None and found.type == "person":
                return node
            if node.head is node:
                break
            node = node.head
        return head

    @staticmethod
    def preps(tok, words) -> list:
        return [p for c in tok.children if c.dep_ in ("prep", "agent", "dative") and c.lower_ in words
                for p in c.children if p.dep_ == "pobj"]

    def places(self, toks) -> list:
        out = []
        for tok in toks:
            for t in self.conjoined(tok):
                ent = self.by_token.get(t.i)
                if ent is not None and ent.type in ("country", "place") and ent not in out:
                    out.append(ent)
        return out

    # -- frames -------------------------------------------------------------------

    def frames(self) -> list[Frame]:
        out: list[Frame] = []
        for tok in self.doc:
            if tok.pos_ not in ("VERB", "AUX", "NOUN"):
                continue
            word = tok.lower_
            if tok.pos_ == "VERB" and word in MEET_VERBS | RECEIVE_VERBS:
                out.extend(self._meeting(tok, tok))
            elif tok.pos_ == "VERB" and word in HOLD_VERBS:
                talks = next((c for c in tok.children if c.dep_ == "dobj" and c.lower_ in TALK_NOUNS), None)
                if talks is not None and self.preps(talks, {"with"}):
                    out.extend(self._meeting(tok, talks))
            elif tok.pos_ == "VERB" and word in VISIT_VERBS | ARRIVE_VERBS:
                out.extend(self._visit(tok, tok))
            elif tok.pos_ == "VERB" and (word in ATTEND_VERBS or word in SPEAK_VERBS or (
                    word in PART_VERBS and any(c.dep_ == "dobj" and c.lower_ == "part" for c in tok.children))):
                out.extend(self._taking_part(tok))
            elif word in BEING_VERBS and (purpose := self.preps(tok, {"for"})):
                subj, people = self.actors(tok)  # "X, who was in China for E", "X flew to Moscow for E": X attends E
                if people:
                    role = "delegation" if subj.lower_ in ("delegation", "delegations") else "attendee"
                    out.append(Frame("attend", tok.idx, tok.idx + len(tok), "", None,
                                     [(p, role) for p in people], target=purpose[0].idx))
            elif tok.pos_ == "NOUN" and word in ("meeting", "talks") and tok.head.dep_ == "prep" \
                    and tok.head.lower_ in ("during", "at", "in") and tok.head.head.pos_ == "VERB" \
                    and self.preps(tok, {"with"}):
                out.extend(self._during_meeting(tok))
            elif tok.pos_ == "NOUN" and word in LED_NOUNS:
                out.extend(self._led(tok))
            elif tok.pos_ == "VERB" and word in REPORT_VERBS:
                out.extend(self._reporting(tok))
            elif tok.pos_ == "VERB" and word in HOST_VERBS:
                out.extend(self._hosting(tok))
            elif tok.pos_ == "VERB" and word in FEATURE_VERBS:
                out.extend(self._featuring(tok))
            elif tok.pos_ == "VERB" and word in TRIP_VERBS:
                trip = next((c for c in tok.children if c.dep_ == "dobj" and c.lower_ in TRIP_NOUNS), None)
                if trip is not None:
                    out.extend(self._visit(tok, trip))
        return out

    def actors(self, verb):
        """The verb's subject and the people, parties and bodies it names, or (None, [])."""
        subj = self.subject(verb)
        return (subj, self.entities(subj)) if subj is not None else (None, [])

    def _meeting(self, verb, holder) -> list[Frame]:
        subj, hosts = self.actors(verb)
        if not hosts:
            return []
        if verb.lower_ in RECEIVE_VERBS:
            guests_toks = [c for c in verb.children if c.dep_ == "dobj"]
        else:  # "met with Y", "held talks with Y", "also met Y on Tuesday"
            guests_toks = (self.preps(holder, {"with"}) if holder is not verb else []) + self.preps(verb, {"with"})
            if holder is verb and verb.lower_ in MEET_VERBS:
                guests_toks += [c for c in verb.children if c.dep_ == "dobj"]
        guests, delegates = [], []
        for t in guests_toks:
            for c in self.conjoined(t):
                if c.lower_ in ("delegation", "delegations"):  # "met with a delegation of P led by X": P and X
                    delegates += [e for e in self.in_subtree(c) if e not in hosts and e not in delegates]
            guests += [g for g in self.entities(t) if g not in hosts and g not in guests and g not in delegates]
        if verb.lower_ in RECEIVE_VERBS and not guests and not delegates:
            return []
        venue = self.places(self.preps(verb, {"in", "at"}) + self.preps(holder, {"in", "at"}))
        toks = [subj] + [t for g in guests_toks for t in self.conjoined(g)]
        start = min(t.idx for t in toks + [verb])
        end = max(t.idx + len(t) for t in toks + [verb])
        if guests:
            name = f"meeting between {_names(hosts)} and {_names(guests)}"
        else:
            if any(h.type == "person" for h in hosts) or subj.tag_ in ("NNS", "NNPS"):
                return []  # "X met" with no one named: nothing to code
            name = f"meeting of {_names(hosts)}"
        if not guests and not delegates:  # "P held a meeting", "the Executive Committee of P met": P holds it
            roles = [(h, "host" if h.type == "person" else "organizer") for h in hosts]
        else:
            guests += delegates
            roles = [(h, "host" if guests else "attendee") for h in hosts] + [
                (g, "delegation" if g in delegates else "attendee") for g in guests]
        return [Frame("meeting", start, end, name, venue[0].name if venue else None, roles)]

    def _taking_part(self, verb) -> list[Frame]:
        """'X attended / took part in / spoke at / addressed E': X's role in the event E names."""
        word = verb.lower_
        _, people = self.actors(verb)
        if not people:
            return []
        if word in SPEAK_VERBS:
            role = "speaker"
            objs = [c for c in verb.children if c.dep_ == "dobj"] if word.startswith("address") else []
            objs += self.preps(verb, {"at", "to", "in", "during"})
            for c in verb.children:  # "delivered a speech at E", "gave an address to E"
                if c.dep_ == "dobj":
                    objs += self.preps(c, {"at", "to", "during"})
        else:
            role = "attendee"
            objs = [c for c in verb.children if c.dep_ == "dobj" and c.lower_ != "part"]
            objs += self.preps(verb, {"in", "at"})
            for c in verb.children:
                if c.dep_ == "dobj" and c.lower_ == "part":
                    objs += self.preps(c, {"in"})
        speech = any(c.dep_ == "dobj" and c.lower_ in SPEECHES for c in verb.children)
        if word in SPEAK_VERBS and word not in ("addressed", "addresses", "address", "spoke", "speaks") \
                and not objs and not speech:
            return []  # "gave a report" is no speech at an event; "gave a welcoming address" is
        target = objs[0].idx if objs else None  # "participated in Brussels in the board meeting": either
        return [Frame("attend", verb.idx, verb.idx + len(verb), "", None, [(p, role) for p in people],
                      target=target, targets=[o.idx for o in objs])]

    def _during_meeting(self, noun) -> list[Frame]:
        """'During a meeting with members of P and Q in Beijing, X stressed …': X hosts, P and Q attend."""
        verb = noun.head.head
        _, hosts = self.actors(verb)
        hosts = [h for h in hosts if h.type == "person"]
        guests = []
        for t in self.preps(noun, {"with"}):
            for e in self.entities(t) + self.in_subtree(t):
                if e not in guests and e not in hosts and e.type in ACTORS:
                    guests.append(e)
        if not hosts or not guests:
            return []
        start = noun.idx
        end = max(t.idx + len(t) for g in self.preps(noun, {"with"}) for t in g.subtree)
        return [Frame("meeting", start, end, f"meeting between {_names(hosts)} and {_names(guests)}", None,
                      [(h, "host") for h in hosts] + [(g, "attendee") for g in guests])]

    def _led(self, noun) -> list[Frame]:
        """'the visit led by X', 'a delegation headed by X': X leads the delegation of the event the noun names."""
        leaders = [e for c in noun.children if c.dep_ == "acl" and c.lower_ in ("led", "headed")
                   for p in self.preps(c, {"by"}) for e in self.entities(p)]
        if not leaders:
            return []
        return [Frame("attend", noun.idx, noun.idx + len(noun), "", None, [(e, "delegation") for e in leaders],
                      target=noun.idx, targets=[noun.idx])]

    def _reporting(self, verb) -> list[Frame]:
        """'X presented / reiterated / thanked / stressed …': a person's turn at the event being reported."""
        subj = self.subject(verb)
        if subj is None or subj.dep_ != "nsubj" or verb.dep_ in ("relcl", "acl", "advcl", "ccomp", "xcomp"):
            return []
        people = [e for e in self.entities(subj, ("person",))]
        if not people and len(list(subj.subtree)) <= 12:  # "Labour Party of Malta leader X presented": X
            people = [e for e in self.in_subtree(subj) if e.type == "person"]
        if not people:
            return []
        return [Frame("attend", verb.idx, verb.idx + len(verb), "", None, [(p, "speaker") for p in people],
                      weak=True)]

    def _hosting(self, verb) -> list[Frame]:
        """'so that X could host', 'X will host the summit': X hosts the event (the passive is a rule's)."""
        if any(c.dep_ in ("nsubjpass", "agent") for c in verb.children):
            return []
        _, hosts = self.actors(verb)
        if not hosts:
            return []
        objs = [c.idx for c in verb.children if c.dep_ == "dobj"]
        return [Frame("attend", verb.idx, verb.idx + len(verb), "", None, [(h, "host") for h in hosts],
                      target=objs[0] if objs else None, targets=objs)]

    def _featuring(self, verb) -> list[Frame]:
        """'The event featured X and Y': the people it featured spoke at it."""
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        objs = [c for c in verb.children if c.dep_ == "dobj"]
        people = []  # "featured X and Y, as well as the leaders of P, Z, and of Q, W": everyone in the list
        for o in objs:
            people += [e for e in self.entities(o, ("person",)) + self.in_subtree(o)
                       if e.type == "person" and e not in people]
        if subj is None or not people or subj.pos_ not in ("NOUN", "PROPN"):
            return []
        return [Frame("attend", verb.idx, verb.idx + len(verb), "", None, [(p, "speaker") for p in people],
                      target=subj.idx, targets=[subj.idx])]

    def _visit(self, verb, trip) -> list[Frame]:
        if any(c.dep_ in ("advcl", "xcomp") and c.lower_ in ("take", "attend", "participate", "join")
               for c in verb.children):
            return []  # "arrived in Moscow to take part": attending the event, not a visit of its own
        subj = self.subject(verb)
        if trip is not verb and trip.lower_ == "delegation" and subj is None:
            return []
        visitors = self.entities(subj) if subj is not None else []
        if trip is not verb:  # "X's visit to C" has its visitor as a possessive
            visitors += [e for c in trip.children if c.dep_ == "poss" for e in self.entities(c) if e not in visitors]
        if not visitors:
            return []
        dests_toks = self.preps(trip, {"to", "in"}) + (self.preps(verb, {"to", "in"}) if trip is not verb else [])
        hosts = []
        if verb.lower_ in VISIT_VERBS and trip is verb:
            objs = [c for c in verb.children if c.dep_ == "dobj"]
            dests_toks += objs
            hosts = [e for t in objs for e in self.entities(t, ("person",)) if e not in visitors]
        dests = self.places(dests_toks)
        frames = []
        toks = ([subj] if subj is not None else []) + [verb, trip]
        start = min(t.idx for t in toks)
        if hosts:
            venue = self.places(self.preps(verb, {"in", "at"}))
            where = f" in {venue[0].name}" if venue else ""
            end = max(t.idx + len(t) for t in toks + dests_toks)
            roles = [(v, "delegation") for v in visitors] + [(h, "host") for h in hosts]
            return [Frame("visit", start, end, f"visit to {_names(hosts)}{where}",
                          venue[0].name if venue else None, roles)]
        if trip is not verb and len(dests) > 1 and trip.lower_ in ("delegation", "trip", "visit", "tour"):
            # "led a delegation to A, B and C": one trip with several stops
            end = max(t.idx + len(t) for d in dests_toks for t in self.conjoined(d))
            names = _names(dests)
            return [Frame("visit", start, end, f"{_names(visitors)} {trip.lower_} to {names}", None,
                          [(v, "delegation") for v in visitors])]
        for dest in dests:
            tok = next((t for d in dests_toks for t in self.conjoined(d) if self.by_token.get(t.i) is dest), None)
            if tok is None:
                continue
            # one visit per destination: its mention is the trigger through the place, or the place alone
            first = min(verb.idx, trip.idx) if len(dests) == 1 else tok.idx
            span = self.doc.char_span(first, tok.idx + len(tok), alignment_mode="expand")
            end = span.end_char if span is not None else tok.idx + len(tok)
            frames.append(Frame("visit", first, end, f"{_names(visitors)} visit to {dest.name}",
                                dest.name, [(v, "delegation") for v in visitors]))
        return frames


def _names(ents) -> str:
    names = [e.name for e in ents]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def read_frames(parsed, entities) -> list[Frame]:
    """The meeting and visit frames of a parsed document (nothing without a dependency parse)."""
    if parsed is None or not parsed.has_annotation("DEP"):
        return []
    return FrameReader(parsed, entities).frames()
