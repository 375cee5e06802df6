"""Events of one document and who took part in them.

Event mentions are found three ways: capitalised names that end in an event word
("CCP and World Political Parties Summit", "19th Party Congress"), quoted names
(“CPC in dialogue with world political parties high-level meeting”), and
descriptions around an event word ("a high-level dialogue of party leaders", "the
Beijing meeting", "a party delegation"), plus "X met in Sochi". Mentions of one
happening are grouped: a later "the summit" or "the four-day meeting" refers back
to the event already under discussion unless its place or date says otherwise.
Each event takes its dates (made absolute with the publication date), place,
country, format, organizer and edition from the sentences that mention it.

Participations come from the sentence around a mention, or, for a sentence with
a cue ("attendees included", "among the leaders… were", "keynote", "delegation
headed by"), from the event the paragraph is about.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from liaison.extract.countries import Countries
from liaison.extract.frames import read_frames
from liaison.extract.lexicon import EVENT_KINDS, ORDINALS
from liaison.extract.spans import Sentences, SpanIndex, paragraphs
from liaison.extract.timex import FULL_MONTH, PREVIEW, PREVIEW_AFTER, find_dates, month_of
from liaison.ingest.clean import DATELINE
from liaison.model import ROLES, EntityFact, EventFact, ParticipationFact, days_in_year

TRIGGERS = ["press conference", "news conference", "summit", "dialogue", "meeting", "talks", "visit", "forum",
            "symposium", "seminar", "briefing", "congress", "conference", "convention", "plenum",
            "delegation", "training", "workshop", "programme", "program", "gathering", "trip"]
TRIGGER_RE = "|".join(TRIGGERS)
CAP = r"(?:\d+(?:st|nd|rd|th)|[A-Z][\w’'.-]*|\([A-Z]{2,6}\))"
WHEN = (r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|"
        r"August|September|October|November|December)")  # "the … Summit on Tuesday": a date, not its name
# "timed to follow the party's centenary on July 1": that date is the centenary's, not the event's
DAY_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
DURATION = re.compile(r"\b(two|three|four|five|six|seven|eight|nine|ten|[2-9]|1[0-4])[- ]day\b", re.I)
TERMINAL = re.compile(r"[.!?][”\"’)]?\s*$")
# "held ahead of the upcoming X": X is an event of its own
RELATIVE_TO = re.compile(r"\b(?:ahead\s+of|before|after|following|prior\s+to|in\s+the\s+run-up\s+to|in\s+preparation\s+"
                         r"for)\s+(?:the\s+)?(?:upcoming\s+|forthcoming\s+|coming\s+|next\s+|last\s+)?$", re.I)
# "…, China Daily reported on Monday": the day of the report, not of the event
REPORTED_ON = re.compile(r"\b(?:reported|wrote|announced|told\s+\w+)\s+(?:on\s+|this\s+|last\s+)?$", re.I)
OTHER_DAY = re.compile(r"\b(?:centenary|centennial|anniversary|birthday|founding|election|elections|independence|"
                       r"national day|holiday)\s+(?:\w+\s+){0,2}?(?:on|of|in)?\s*$", re.I)
NAMED = re.compile(
    rf"(?P<name>{CAP}(?:\s+(?:{CAP}|and|of|in|with|for|on|the|de|des|du|to|&))*\s+(?P<trig>Summit|Dialogue|Meeting|"
    rf"Forum|Congress|Conference|Symposium|Seminar|Convention|Plenum|Session|Consultation|Talks))\b"
    rf"(?P<tail>\s+(?:of|on|for)\s+(?:the\s+)?(?!{WHEN}\b)(?:{CAP}|[A-Z][\w’']*)(?:\s+(?:{CAP}|[A-Z][\w’']*|and|of|the|&))*)?")
MOD_STOP = (r"(?:and|or|but|which|who|that|to|is|was|were|has|had|in|on|of|at|for|with|from|the|an?|by|as|its|"
            r"their|his|her|this|these|those|will|would|holds?|held|places?|said|says|such|into|during|after|before)")
PP_STOP = (r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|june|july|"
           r"august|september|october|november|december|met|meets|was|were|is|are|will|would|has|have|had|held|holds|said|says|took|opened|closed|began|"
           r"ended|arranged|organi[sz]ed|hosted|on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|"
           r"which|who|that|where|when|in\s+(?-i:[A-Z])|in\s+\d{4}|at\s+the\s+weekend|last|next|yesterday|today)")
DESCRIBED = re.compile(
    rf"\b(?P<det>an?|the|this|that|its|their|his|her|our|last|next|(?-i:[A-Z][a-z]+)(?:’s|'s))\s+"
    rf"(?P<mods>(?:(?!{MOD_STOP}\b)[\w“”\"’'-]+\s+){{0,4}}?)(?P<trig>{TRIGGER_RE})\b(?!s)"
    rf"(?P<pp>\s+(?:of|with|between|on|for)\s+(?:(?!{PP_STOP}\b)(?:[^,.;:()“”\"\s]+|\((?-i:[A-Z]{{2,6}})\))\s*){{1,10}})?", re.I)
MET_IN = re.compile(r"(?P<subj>\b(?:[Tt]he|[Aa])\s+[^.;]{3,140}?)\s+(?:met|convened|gathered)\s+(?:in|at)\s+(?P<place>[A-Z][\w-]+(?:,?\s+[A-Z][\w-]+)?)")
MET_WITH = re.compile(
    r"(?P<subj>(?-i:[A-Z][\w’'-]+(?:\s[A-Z][\w’'-]+){0,3}))(?:,[^,\n]{2,160},)?\s+(?:also\s+)?(?:(?:met|meets|held talks|"
    r"holds talks|talked|conferred|had talks)\s+(?:(?:here|there|today|yesterday|separately|online|virtually|"
    r"on\s+\w+|via\s+video\s+link|in\s+(?-i:[A-Z])\w+)\s+)*with|(?:received|receives|welcomed|welcomes)"
    r"(?:\s+(?:here|today|yesterday|on\s+\w+))*)\s+(?P<obj>[^.;:\n]{3,160}?)(?=\s+(?:led|headed)\s+by\b|,|\.|;|"
    r"\s+(?:in|on|at)\s+(?-i:[A-Z])|\s+(?:here|today|yesterday|on)\b|\n|$)", re.I)
# "Former liberation movements of Southern Africa gathered at Victoria Falls": a body's meeting, named by its subject
GATHERED = re.compile(r"(?:^|(?<=\n)|(?<=[.!?] ))(?P<subj>[A-Z][^.;:\n“”\"]{3,120}?)\s+(?:gathered|convened|assembled)"
                      r"\s+(?:(?:here|there|today|yesterday|on\s+\w+)\s+)?(?:in|at)\s+(?P<place>[A-Z][\w-]+(?:[’']s)?"
                      r"(?:\s+[A-Z][\w-]+)*)")
# "participated in PA board meeting", "at ANC NEC meeting": an event noun after a body's initials, no article
INITIALS_EVENT = re.compile(rf"\b(?:in|at|during|to|for)\s+(?P<name>(?-i:[A-Z][A-Z&]{{1,7}})\s+(?:(?-i:[A-Z]{{2,7}}|[a-z]+)\s+)"
                            rf"{{0,2}}(?P<trig>meeting|congress|conference|summit|forum|seminar|session|dialogue|"
                            rf"convention|plenum)s?)\b")
OFFICE_OF = re.compile(r"\b(?:chairman|chairwoman|chair|president|vice[- ]president|head|member|secretary|"
                       r"secretary[- ]general|director|spokesperson|spokesman|delegate|deputy)\s+of\s+(?:the\s+)?$", re.I)
QUOTED_NAME = re.compile(r"(?P<cue>\b(?:headlined|titled|entitled|called|dubbed|named|billed as)\s+)?"
                         r"[“‘\"](?P<name>[A-Z][^”’\"\n]{4,90}?)[,.]?[”’\"]")
ROUND_OF = re.compile(r"\b(?P<name>(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|"
                      r"tenth|new|latest|next|last)\s+round\s+of\s+(?:[\w-]+\s+){0,4}?"
                      r"(?P<trig>talks|consultations|dialogue|negotiations|strategic dialogue))\b", re.I)
VISITING = re.compile(
    r"\b(?:is|are|was|were|will be)\s+(?:on\s+an?\s+(?:official\s+|working\s+|state\s+)?visit\s+to|visiting|"
    r"paying\s+an?\s+(?:official\s+)?visit\s+to)\s+(?P<place>(?-i:[A-Z])[\w-]+(?:\s(?-i:[A-Z])[\w-]+)?)", re.I)
SIGNED = re.compile(
    r"\bsigned\s+(?:a|an|the)\s+(?P<what>(?:[\w-]+\s+){0,3}?(?:agreement|memorandum(?:\s+of\s+understanding)?|accord|"
    r"pact|declaration|protocol|joint\s+statement))\b", re.I)
# "would invite — meaning entirely fund — the visits of 15,000 leaders from foreign parties over the next five
# years": a programme, with its target and span
PROGRAMME = re.compile(
    r"\b(?:invite|invites|invited|fund|funds|funded|sponsor|sponsors|host|hosts|train|trains|bring|brings)\b"
    r"[^.;]{0,40}?\b(?P<what>(?:the\s+)?(?:visits?|training|trips?)\s+of\s+(?P<n>\d[\d,]*|[a-z]+\s+(?:hundred|thousand))"
    r"\s+(?:[\w-]+\s+){0,3}?(?:leaders|officials|members|cadres|politicians|delegates)\b[^.;]{0,40}?)"
    r"\s+(?:over|in|during|within)\s+the\s+(?:next|coming|following)\s+(?:\w+\s+)?years?\b", re.I)
# "Beijing sent a special envoy to Zimbabwe to congratulate …": the envoy's visit
ENVOY = re.compile(r"\b(?:sent|sends|dispatched|will\s+send)\s+(?:a|an|its|his|her|their)\s+(?P<what>(?:special\s+|personal\s+)?"
                   r"(?:envoy|emissary|representative))\s+to\s+(?P<place>[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)")
CONGRATULATED = re.compile(r"\bto\s+congratulate\s+(?:the\s+)?(?:new(?:ly[- ]elected)?\s+|re-?elected\s+)?"
                           r"(?:[A-Z][\w-]*\s+){0,3}$")
# "a group of 37 countries signed a letter supporting X": an endorsement and its signatories
ENDORSED = re.compile(
    r"\b(?P<who>(?:a\s+group\s+of\s+)?\d+\s+(?:countries|parties|states|governments|organi[sz]ations))\s+"
    r"(?:have\s+|had\s+)?(?:signed|issued|sent|backed)\s+(?:a|an|the)\s+(?P<what>(?:joint\s+|open\s+)?"
    r"(?:letter|statement|declaration|appeal)\s+(?:supporting|backing|in\s+support\s+of|praising|"
    r"defending|endorsing)\s+[^.;]{3,120}?)(?=[.;,]|\s+while\b|\s+as\b|$)", re.I)
HELD_TALKS = re.compile(r"\b(?:held|hold|holds|holding|began|opened|concluded)\s+(?:\w+\s+){0,2}?(?P<trig>talks)\b")
VISITED = re.compile(r"\b(?:travelled|traveled|went)\s+to\s+(?:\w+\s+){0,4}?(?:in\s+)?(?P<place>[A-Z][\w-]+(?:(?:,\s+|\s+and\s+|\s+)[A-Z][\w-]+){0,5})")
FOR_A = re.compile(r"\b(?:for|on|during)\s+(?:a|an|the|his|her|their|its)\s+(?:[\w-]+\s+){0,3}$", re.I)  # "… for a three-day visit"
VIRTUAL = re.compile(r"\b(online|virtual(?:ly)?|video[- ]?link|via video|videoconference|video conference|by video)\b", re.I)
HYBRID = re.compile(r"\b(mostly[- ]virtual|hybrid|partly[- ]virtual|in person and online|online and in person|mostly online)\b", re.I)
ORGANIZED_BY = re.compile(r"\b(?:organi[sz]ed|arranged|hosted|convened|sponsored|held|run)\s+by\s+(?:the\s+)?"
                          r"(?:(?-i:[A-Z])[\w.]*(?:\s(?-i:[A-Z])[\w.]*)?[’']s\s+)?(?:(?:governing|ruling|main|opposition)\s+)?$",
                          re.I)
# "hosted by the member party in that country, the X", "at the invitation of X": X hosts it
HOSTED_BY = re.compile(r"(?:\bhosted\s+by\s+(?:the\s+)?[\w’' -]{2,60},\s+(?:the\s+)?|\binvitation\s+"
                       r"(?:of|from)\s+(?:the\s+)?(?:(?-i:[A-Z])[\w.]*(?:\s(?-i:[A-Z])[\w.]*)?[’']s\s+|(?:his|her|their|its)\s+(?:[\w-]+\s+){0,3})?)$",
                       re.I)
# "In the delegation is also X", "the delegation included X": X is one of the delegation
IN_DELEGATION = re.compile(r"\b(?:in|on|with)\s+the\s+delegation\s+(?:is|are|was|were|will\s+be)\b(?:(?!\.\s).){0,120}$|"
                           r"\bdelegation\s+(?:also\s+)?(?:included|includes|comprised|comprises|consisted\s+of)\b"
                           r"(?:(?!\.\s).){0,120}$", re.I)
STAY = re.compile(r"\b(?:during|in the course of)\s+(?:his|her|their|the|its)\s+(?:[\w-]+\s+)?(?:stay|trip|visit|tour)\b",
                  re.I)
BEFORE_HOLD = re.compile(r"^\s*(?:\([A-Z]{2,6}\)\s*)?(?:(?:is|was|will|has|had|would|plans?|planned|planning|to|also|be|"
                         r"been|set|going|once|again|jointly|recently|this|week|year|on|last|"  # "X on Wednesday held"
                         r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday)\s+)*$", re.I)
HOLD_VERB = re.compile(r"\b(?:to\s+)?(?:hold|holds|held|host|hosts|hosted|organi[sz]e[sd]?|convene[sd]?|arrange[sd]?|"
                       r"launch(?:ed|es)?|stage[sd]?)\b", re.I)
EDITION = re.compile(r"\b(?:the\s+)?(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
                     r"eleventh|twelfth|\d+(?:st|nd|rd|th))\s+(?:time|edition|session|annual)\b", re.I)
ATTEND_CUE = re.compile(r"\b(attend\w*|attendees?|participants?|participat\w+|took part|take part|taking part|"
                        r"joined|among the (?:leaders|guests|participants|delegates)|in attendance|guests included|"
                        r"in the audience|audience (?:also )?included|"
                        r"included|include|present at|represented)\b", re.I)
SPEAK_CUE = re.compile(r"\b(told (?:a|the) (?:press )?(?:briefing|press conference|news conference|reporters)|keynote|speech|address(?:ed)?|spoke|speaking|told (?:the )?(?:international )?"
                       r"(?:party )?(?:delegates|participants|meeting|summit|audience|gathering)|said at|"
                       r"comments at|remarks|opening ceremony|praised|applauded|endorsed|hailed|lauded|"
                       r"commended|delivered|opened|chaired|presided|inaugurated|closed)\b", re.I)
STRONG_SPEAK = re.compile(r"\b(keynote|opening statement|introductory (?:speech|remarks|address)|welcomed (?:the )?"
                          r"(?:participants|delegates|guests)|chair(?:person|man|woman)? of the (?:meeting|summit|"
                          r"congress|conference|forum|session)|told (?:the )?(?:international )?(?:party )?(?:delegates|participants|"
                          r"audience)|addressed the (?:summit|meeting|dialogue|forum|congress|conference)|"
                          r"speaking at the|opening (?:speech|address)|told (?:a|the) (?:press )?(?:briefing|press "
                          r"conference|news conference))\b", re.I)
SPEAKERS = re.compile(r"\b(among the speakers|speakers included|spoke at the|addressed the (?:forum|summit|meeting|"
                      r"congress|conference|dialogue|gathering|session))\b", re.I)
PRAISE = re.compile(r"praised|applauded|endorsed|hailed|lauded|commended", re.I)
OUTLET = re.compile(r"\b(?:News|Agency|Xinhua|TASS|Reuters|AFP|Times|Daily|Herald|Tribune|Television|TV|Radio|"
                    r"Gazette|Journal|Granma|Telegraph|Sputnik|RIA|CGTN|CCTV|Newspaper|Broadcasting)\b")
TITLE_AFTER = re.compile(r"\s+(?:President|Chairman|Chairwoman|Speaker|Vice|Deputy|Committee|Secretary)\b")
NEGATION = re.compile(r"\b(not|n[’']t|never|no)\b", re.I)
SAY = r"said|says|told|added|explained|emphasi[sz]ed|stressed|noted|revealed|announced|stated"
DELEGATION = re.compile(r"\bdelegation\s+(?:headed|led)\s+by\b|\b-led\s+delegation\b|\bdelegation\s+of\b|\bparty\s+delegation\b", re.I)
VISIT_ROLE = {"host": "delegation", "attendee": "host"}  # a meeting's sides, as the sides of the visit it is part of
KIND_RANK = ["summit", "dialogue", "forum", "congress", "briefing", "training", "programme", "visit", "meeting"]
COMPATIBLE = {"summit", "dialogue", "meeting", "forum"}
MONTH_NAMES = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december"}
GENERIC_WORDS = {"the", "a", "an", "this", "that", "its", "their", "his", "her", "our", "high", "level",
                 "high-level", "upcoming", "annual", "weekend", "meeting", "summit", "dialogue", "forum",
                 "event", "such", "first", "last", "next", "virtual", "online", "big", "major", "same", "latest",
                 "recent", "whole"}
# Modifiers that describe an event without naming it: durations ("four-day"), formats
# ("mostly-virtual", "in-person"), and evaluative words ahead of the event noun.
GENERIC_PATTERN = re.compile(r"^(?:\w+-(?:day|week|hour|month)|(?:mostly|largely|partly|fully)-\w+|in-person|"
                             r"\w+-level|(?:so-called|much-\w+|long-\w+)|"
                             r"(?:week|weekend|month|year|day|today|yesterday|monday|tuesday|wednesday|thursday|friday|"
                             r"saturday|sunday)[’']s)$")


@dataclass
class Mention:
    start: int
    end: int
    kind: str
    name: str
    named: bool  # a proper name, not a description
    anaphoric: bool  # "the summit", "this meeting": refers back
    place: str | None = None
    plural: bool = False
    trigger_end: int | None = None  # where the event word of a name ends
    sides: bool = False  # a meeting frame with a host and a guest joined it: a two-sided meeting
    part_of: "Mention | None" = None  # "During the visit, X met Y": the visit this meeting belongs to


@dataclass
class Cluster:
    mentions: list[Mention] = field(default_factory=list)
    start: date | None = None
    end: date | None = None
    place: str | None = None
    country: str | None = None
    format: str | None = None
    organizer: str | None = None
    edition: int | None = None
    cues: set = field(default_factory=set)
    years: set = field(default_factory=set)  # years its mentions were placed in without a full date
    month: tuple | None = None  # (year or None, month): 'the Congress in October', no day given
    year: int | None = None  # 'the XXV Congress in 2017': its year told, no day given
    days: tuple | None = None  # ((11, 30), (12, 3)): 'from November 30 to December 3', its year not known
    tour: tuple = ()  # ('JPN', 'KOR', 'MNG'): the countries of one trip ('in Japan, South Korea and Mongolia')
    aside: bool = False  # begun by a description of another edition ('the first convening summit'): not the story's
    ahead: bool = False  # told of before it happened ('the upcoming meeting')

    @property
    def kind(self) -> str:
        kinds = {m.kind for m in self.mentions}
        for m in self.mentions:
            if m.named:
                kinds |= {EVENT_KINDS[w] for w in re.findall(r"[a-z]+", m.name.lower()) if w in EVENT_KINDS
                          and EVENT_KINDS[w] in ("summit", "dialogue", "forum", "congress")}
        return next(k for k in KIND_RANK if k in kinds) if kinds & set(KIND_RANK) else "other"

    @property
    def name(self) -> str:
        named = [m for m in self.mentions if m.named]
        pool = named or self.mentions
        kind = self.kind
        return max(pool, key=lambda m: (kind in m.name.lower(), len(m.name.split()) if not m.anaphoric else 0,
                                        -m.start)).name


def kind_of(trigger: str) -> str:
    return EVENT_KINDS.get(trigger.lower(), "meeting")


def _clean_name(name: str) -> str:
    name = re.sub(r"[“”\"]", "", name)
    name = re.sub(r"^(?:an?|the|this|that|its|their|his|her|our)\s+", "", name, flags=re.I)
    return re.sub(r"\s+", " ", name).strip(" ,")


def find_mentions(text: str, known_places: set[str] = frozenset()) -> list[Mention]:
    mentions: list[Mention] = []
    for m in NAMED.finditer(text):
        name = m.group("name")
        name = re.split(r"\n|[.!?]\s", name)[-1]  # a name never runs over a sentence's or paragraph's end
        # a name starts at its first capitalised word that is not a sentence opener
        name = re.sub(r"^(?:(?:The|A|An|On|In|At|For|Following|After|Before|During|As|But|And|Monday|Tuesday|"
                      r"Wednesday|Thursday|Friday|Saturday|Sunday|Today|Yesterday|to|for|on|the|of|and|in|at|"
                      r"from|until)\s+)+", "", name)
        lead = re.match(r"(?P<place>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?)\s+(?:for|at|to|in)\s+(?:the\s+)?(?=[A-Z\d])", name)
        if lead and lead.group("place") in known_places:  # "in China for the CPC in Dialogue … Meeting"
            name = name[lead.end():]
        start = m.end("name") - len(name)
        end = m.end("tail") if m.group("tail") else m.end("name")
        stop = re.search(r"\.?\s*\n|[.!?]\s", text[m.end("name"):end])  # nor does its tail: "… Alliance.\n\nIt"
        if stop:
            end = m.end("name") + stop.start()
        if len(name.split()) < 2:
            continue
        if text[start - 1:start] == "(" and text[end:end + 1] == ")":
            continue  # "X and Y (Arab Socialdemocratic Forum)": the body they speak for, not an event
        if OFFICE_OF.search(text[max(0, start - 40):start]) or re.match(r"\s+(?:National\s+)?Committee\b", text[end:]):
            continue  # "chairman of Chinese People's Political Consultative Conference National Committee": a body
        mentions.append(Mention(start, end, kind_of(m.group("trig")), text[start:end], True, False,
                                trigger_end=m.end("trig")))
    for m in QUOTED_NAME.finditer(text):  # ‘For Freedom of Nations’ forum; a forum headlined “…”; “…” opened today
        if any(x.start <= m.start("name") < x.end for x in mentions):
            continue
        after, before = text[m.end():m.end() + 40], text[max(0, m.start() - 80):m.start()]
        trig = re.match(rf"\s*(?P<t>{TRIGGER_RE})\b", after, re.I)
        if trig:
            kind, end = kind_of(trig.group("t")), m.end() + trig.end()
        elif m.group("cue") and (near := list(re.finditer(rf"\b({TRIGGER_RE})\b", before, re.I))):
            kind, end = kind_of(near[-1].group(1)), m.end("name")
        elif re.match(r",?\s*(?:sponsored|organi[sz]ed|hosted|convened)\s+by\b|\s*(?:opened|was held|will be held|"
                      r"took place|kicked off|began|gathered)\b", after):
            later = re.search(rf"\b({TRIGGER_RE})\b", text[m.end():m.end() + 300], re.I)
            kind, end = (kind_of(later.group(1)) if later else "meeting"), m.end("name")
        else:
            continue
        mentions.append(Mention(m.start("name"), end, kind, m.group("name").strip(" ,"), True, False))
    for m in re.finditer(r"“([^”]{8,160}?\b(?:meeting|summit|dialogue|forum|conference|congress))”", text, re.I):
        if not any(x.start <= m.start(1) < x.end for x in mentions):
            trig = re.search(rf"({TRIGGER_RE})$", m.group(1), re.I).group(1)
            mentions.append(Mention(m.start(1), m.end(1), kind_of(trig), m.group(1), True, False))
    for m in DESCRIBED.finditer(text):
        if any(x.start <= m.start("trig") < x.end for x in mentions):
            continue
        trig = m.group("trig").lower()
        mods = m.group("mods") or ""
        det = m.group("det").lower()
        if OFFICE_OF.search(text[max(0, m.start() - 40):m.start()]) or re.match(r"\s+(?:National\s+)?Committee\b",
                                                                                text[m.end():]):
            continue  # "chairman of Chinese People's Political Consultative Conference National Committee"
        pp = m.group("pp") or ""
        if trig == "delegation":
            pp = ""
            left = max(text.rfind(". ", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
            right = min([i for i in (text.find(". ", m.end()), text.find("\n", m.end())) if i != -1] or [len(text)])
            s_text = text[left:right]
            if not re.search(r"\b(travel\w*|visit\w*|arriv\w*|toured|went to|to brief)\b", s_text, re.I) or \
                    re.search(r"\b(?:for|to attend|to join|to take part in|at)\s+(?:the|a|this|that)\s+(?:\w+\s+)?"
                              r"(?:meeting|summit|dialogue|forum|talks|congress|conference)\b", s_text, re.I):
                continue  # a delegation taking part in an event is a participation, not an event
        if kind_of(trig) == "programme" and not re.search(r"\d|\b(fund|invite|train|sponsor)\w*", text[
                max(0, m.start() - 150):m.end() + 150], re.I):
            continue  # a programme is an event when it has a target or an activity
        month_det = det.rstrip("’'s") in MONTH_NAMES
        name = _clean_name(f"{mods}{m.group('trig')}{pp}")
        if month_det:
            name = _clean_name(f"{m.group('det')} {name}")
        words = {w.lower().strip("“”\"’'") for w in re.findall(r"[\w“”\"’'-]+", f"{mods}{m.group('trig')}")}
        descriptive = {w for w in words if w not in GENERIC_WORDS and not GENERIC_PATTERN.match(w)
                       and w not in MONTH_NAMES and not re.fullmatch(r"[\d–-]+(?:st|nd|rd|th)?", w)}
        # "the propaganda summit", "the four-day meeting": at most one describing word, no proper name
        anaphoric = (det in ("the", "this", "that", "its", "their") or month_det) and not pp and \
            (descriptive <= {trig} or (len(descriptive - {trig}) == 1 and not (mods[:1].isupper())))
        start = m.start("mods") if mods else m.start("trig")
        place = None
        for w in mods.split():
            w = w.strip("“”\"’'")
            if w in known_places:
                place = w
        mentions.append(Mention(start, m.end(), kind_of(trig), name, False, anaphoric, place=place))
    for m in ROUND_OF.finditer(text):  # "the 20th round of India-China boundary talks"
        if not any(x.start <= m.start("trig") < x.end for x in mentions):
            mentions.append(Mention(m.start("name"), m.end(), "meeting", _clean_name(m.group("name")), False, False))
    for m in MET_WITH.finditer(text):
        if any(x.start <= m.start("obj") < x.end for x in mentions):
            continue
        obj = re.sub(r"^(?:a|an|the)\s+", "", m.group("obj").strip(), flags=re.I)
        if re.search(rf"\b(?:{TRIGGER_RE})\b", obj, re.I) and "delegation" not in obj.lower():
            continue  # "received the summit's declaration": not a meeting with someone
        verb = text[m.end("subj"):m.start("obj")]
        if re.search(r"\b(?:welcom|receiv)", verb, re.I) and not re.match(r"[A-Z]|(?i:(?:[\w-]+\s+){0,2}delegation)", obj):
            continue  # "X welcomed participants": a host's words at an event, not a meeting of its own
        name = f"meeting between {m.group('subj')} and {obj}"
        mentions.append(Mention(m.start("subj"), m.end("obj"), "meeting", name, False, False))
    for m in VISITING.finditer(text):
        if any(0 <= m.start() - x.end <= 60 for x in mentions):
            continue  # "the delegation is visiting China": already the delegation's visit
        mentions.append(Mention(m.start(), m.end(), "visit", f"visit to {m.group('place')}", False, False,
                                place=m.group("place") if m.group("place") in known_places else None))
    for m in SIGNED.finditer(text):
        if not any(x.start <= m.start("what") < x.end for x in mentions):
            mentions.append(Mention(m.start("what"), m.end("what"), "other", f"signing of {m.group('what')}", False,
                                    False))
    for m in PROGRAMME.finditer(text):
        if not any(x.start <= m.start("what") < x.end for x in mentions):
            what = re.sub(r"^the\s+", "", m.group("what").strip())
            mentions.append(Mention(m.start("what"), m.end(), "programme", what, False, False))
    for m in ENVOY.finditer(text):
        if not any(x.start <= m.start("what") < x.end for x in mentions):
            mentions.append(Mention(m.start("what"), m.end(), "visit", f"{m.group('what')} visit to {m.group('place')}",
                                    False, False, place=m.group("place") if m.group("place") in known_places else None))
    for m in ENDORSED.finditer(text):
        if not any(x.start <= m.start("what") < x.end for x in mentions):
            what = m.group("what").strip().replace("“", "").replace("”", "")
            mentions.append(Mention(m.start("who"), m.end("what"), "other", what, False, False))
    for m in HELD_TALKS.finditer(text):
        if not any(x.start <= m.start("trig") < x.end for x in mentions):
            mentions.append(Mention(m.start("trig"), m.end("trig"), "meeting", "talks", False, False))
    for m in INITIALS_EVENT.finditer(text):
        if not any(x.start <= m.start("trig") < x.end for x in mentions):
            mentions.append(Mention(m.start("name"), m.end("name"), kind_of(m.group("trig")), m.group("name"), False,
                                    False))
    for m in GATHERED.finditer(text):
        subj = re.sub(r"^(?:The|A|An)\s+", "", m.group("subj")).strip()
        rest = text[m.end():].split("\n", 1)[0].split(". ", 1)[0]
        if re.search(rf"\b({TRIGGER_RE})\b", subj + " " + rest, re.I) or not re.search(r"\s[A-Z]", subj) or any(
                x.start <= m.start("subj") < x.end for x in mentions):
            continue  # "Delegates … gathered in Lisbon for the congress": the congress is the event
        place = re.sub(r"[’']s$", "", m.group("place").split()[0]) if re.search(r"[’']s\b", m.group("place")) else \
            m.group("place")
        mentions.append(Mention(m.start("subj"), m.end(), "meeting", f"meeting of {subj}", False, False,
                                place=place if place in known_places else None))
    for m in MET_IN.finditer(text):
        subj = m.group("subj")
        if re.search(rf"\b({TRIGGER_RE})\b", subj, re.I):
            continue
        name = "meeting of " + re.sub(r"^(?:the|a)\s+", "", subj).strip()
        mentions.append(Mention(m.start("subj"), m.end(), "meeting", name, False, False, place=m.group("place")))
    return sorted(mentions, key=lambda x: x.start)


class EventFinder:
    def __init__(self, countries: Countries):
        self.countries = countries

    def find(self, text: str, sents: list[tuple[int, int]], entities: list[EntityFact],
             published: date | None, parsed=None) -> tuple[list[EventFact], list[ParticipationFact]]:
        if published is None:  # an undated page: its opening lines' full date ("04-05 February 2013") dates the rest
            published = next((d.finish for d in find_dates(text[:400], None) if d.finish), None)
        known_places = {text[s:e] for ent in entities if ent.type in ("place", "country") for s, e in ent.mentions}
        mentions = find_mentions(text, known_places)
        # "Nepali Congress", "African National Congress": a party's name, not an event's
        named_bodies = [(s, e) for ent in entities if ent.type == "party" for s, e in ent.mentions]
        mentions = [m for m in mentions if not (m.named and any(
            s < (m.trigger_end or m.end) <= e for s, e in named_bodies))]
        frames = read_frames(parsed, entities)
        mentions = self._with_frames(text, sents, mentions, frames)
        by_span = sorted(((s, e, ent) for ent in entities for s, e in ent.mentions), key=lambda x: x[0])
        places = SpanIndex([(s, e, ent) for s, e, ent in by_span if ent.type in ("place", "country")])
        clusters: list[Cluster] = []
        assigned: dict[int, Cluster] = {}
        cluster_of: dict[int, Cluster] = {}
        # the narrative's time: a month named without its year ('the Congress in October') is read from
        # the last full date told before it, else from the publication date
        told = [(d.start, d.begin) for d in find_dates(text, published) if d.begin]
        # "Beijing, Dec 2:" dates the report, not its event: without its year it places nothing
        dateline = next(((a + m.start("date"), a + m.end("date")) for a, b in paragraphs(text)[:3]
                         if (m := DATELINE.match(text[a:b]))), None)
        for i, m in enumerate(mentions):
            s_start, s_end = sents.of(m.start)
            sentence = text[s_start:s_end]
            dates, others = [], set()
            for d in find_dates(sentence, published, offset=s_start):
                if OTHER_DAY.search(text[max(s_start, d.start - 40):d.start]) or \
                        REPORTED_ON.search(text[max(s_start, d.start - 30):d.start]):
                    if d.begin:  # not this event's date, but its year still places the sentence
                        others.add(d.begin.year)
                elif d.begin is None and dateline and dateline[0] <= d.start < dateline[1]:
                    continue
                else:
                    dates.append(d)
            place = self._place(text, m, s_start, s_end, places)
            years = {int(y) for y in re.findall(r"\b((?:19|20)\d\d)\b", sentence)} | others
            elsewhere = RELATIVE_TO.search(text[max(s_start, m.start - 45):m.start])
            if elsewhere:  # "the seminar, held ahead of the upcoming X Meeting": X is another event, and
                dates, place, years = [], None, set()  # this sentence's date and place are not X's
                target = next((c for c in clusters if any(_same_name(m.name, x.name) for x in c.mentions)), None)
            else:
                target = self._attach(m, clusters, place, [] if m.anaphoric else dates, years)
            if m.part_of is not None and id(m.part_of) in cluster_of:
                target = cluster_of[id(m.part_of)]
            if target is None:
                target = Cluster(aside=not m.named and _own_ordinal(m.name) is not None)
                clusters.append(target)
            target.mentions.append(m)
            cluster_of[id(m)] = target
            if years and not any(d.begin for d in dates) and not m.anaphoric:
                target.years |= years  # "in late 2017, when it organised the … Meeting": the year it belongs to
            if not any(d.begin for d in dates) and target.month is None:  # its own month, even beside another event
                lead = re.match(rf"(?:{FULL_MONTH}|last month|this month)[’']s\s+", text[m.start:m.end])
                anchor = next((b for a, b in reversed(told) if a < m.start and m.start - a < 600), published)
                target.month = month_of(text[max(s_start, m.start - 100):m.start + (lead.end() if lead else 0)],
                                        text[m.end:min(s_end, m.end + 60)], anchor)
            told_year = re.search(r"\b((?:19|20)\d\d)\b", m.name) or re.match(
                r"\s*,?\s*(?:held\s+)?(?:in|of)\s+((?:19|20)\d\d)\b(?![-–/])", text[m.end:s_end])
            if told_year and (m.named or _own_ordinal(m.name)) and not any(d.begin for d in dates) and not elsewhere:
                target.year = target.year or int(told_year.group(1))  # "the XXV Congress in 2017"
            if PREVIEW.search(text[max(s_start, m.start - 60):m.start]) or PREVIEW_AFTER.match(text[m.end:s_end]):
                target.ahead = True
            assigned[i] = target
            here = [x for x in mentions if s_start <= x.start < s_end]
            self._fill(target, m, text, s_start, s_end, sentence, dates, place, by_span,
                       lambda d, here=here: min(here, key=lambda x: abs(x.start - d.start)))
        # drop clusters that are only a bare anaphor with nothing to say ("the meeting" with no antecedent)
        clusters = [c for c in clusters if not all(x.anaphoric for x in c.mentions) or c.start or c.place
                    or (c.year and c.edition)]  # "the first summit in 2017": another edition, placed
        clusters = self._fold_into_main(clusters)
        self._lead_date(text, clusters, published)
        for c in clusters:  # "from November 30 to December 3" in a story that tells its year elsewhere
            year = c.year or (c.month[0] if c.month else None) or (min(c.years) if len(c.years) == 1 else None)
            if c.start is None and c.days and year and (placed := days_in_year(self._period(c, None), year)):
                c.start, c.end = placed
        position = {id(m): i for i, m in enumerate(mentions)}
        assigned = {position[id(m)]: c for c in clusters for m in c.mentions}
        events, keys = [], {}
        for n, c in enumerate(clusters, 1):
            key = f"v{n}"
            keys[id(c)] = key
            names = [x.name for x in c.mentions]
            events.append(EventFact(
                id=key, kind=c.kind, name=c.name, start=c.start.isoformat() if c.start else None,
                end=(c.end or c.start).isoformat() if (c.end or c.start) else None, place=c.place,
                country=c.country, format=c.format or ("in-person" if c.place else None), organizer=c.organizer,
                edition=c.edition, aliases=sorted(set(names) - {c.name}),
                mentions=sorted({(x.start, x.end) for x in c.mentions}), countries=list(c.tour),
                period=None if c.start else self._period(c, published)))
        participations = self._participations(text, sents, clusters, keys, by_span, mentions, assigned, events,
                                              frames)
        by_id = {e.id: e for e in entities}
        dateline = None
        for para_start, para_end in paragraphs(text)[:3]:
            dateline = DATELINE.match(text[para_start:para_end])
            if dateline:
                break
        if events and dateline:
            hit = self.countries.lookup(dateline.group("place"))
            main = max(events, key=lambda ev: len(ev.mentions))
            if hit and main.place is None and main.format != "virtual":
                main.place, main.country = dateline.group("place"), hit.code
                main.format = main.format or "in-person"
        for ev in events:
            if ev.country is None and ev.organizer and by_id.get(ev.organizer) and by_id[ev.organizer].country:
                ev.country = by_id[ev.organizer].country
        self._home_side(events, participations, by_id)
        return events, participations

    @staticmethod
    def _main_party(bodies) -> EntityFact | None:
        """The party an article names most often, when one clearly leads (more mentions than any other)."""
        parties = sorted((len(ent.mentions), ent.id, ent) for ent in bodies if ent.type == "party")
        if not parties or (len(parties) > 1 and parties[-1][0] == parties[-2][0]):
            return None
        return parties[-1][2]

    @staticmethod
    def _named_in(name: str, bodies) -> EntityFact | None:
        """The party whose name or alias an event's name holds ('Communist Party Congress'), the longest
        such name first; None when two parties' names fit equally."""
        hits = [(len(n), ent) for ent in bodies for n in {ent.name, *ent.aliases}
                if len(n) > 3 and re.search(rf"(?<!\w){re.escape(n)}(?!\w)", name)]
        if not hits:
            return None
        best = max(n for n, _ in hits)
        top = {ent.id: ent for n, ent in hits if n == best}
        return next(iter(top.values())) if len(top) == 1 else None

    @staticmethod
    def _period(c: Cluster, published: date | None) -> str | None:
        """When an event without a day happened, as far as the text says, in EDTF (ISO 8601-2):
        'XXXX-11-30/XXXX-12-03' (from November 30 to December 3, year not told), '2017-10' (the Congress
        in October), 'XXXX-10' (in October, year not told), '2017' (its one
        year), else the side of the publication date it lies on: '../2018-01-08' (told of as past),
        '2018-01-08/..' (told of before it happened)."""
        if c.days:  # 'XXXX-11-30/XXXX-12-03'
            (m1, d1), (m2, d2) = c.days
            return f"XXXX-{m1:02d}-{d1:02d}" + ("" if c.days[0] == c.days[1] else f"/XXXX-{m2:02d}-{d2:02d}")
        if c.month and c.month[0]:
            return f"{c.month[0]:04d}-{c.month[1]:02d}"
        if c.year or len(c.years) == 1:  # "a founding congress in Frankfurt in 1951": its one year
            return str(c.year or min(c.years))
        if c.month:
            return f"XXXX-{c.month[1]:02d}"
        if published is None:
            return None
        return f"{published.isoformat()}/.." if c.ahead else f"../{published.isoformat()}"

    @staticmethod
    def _home_side(events, participations, by_id) -> None:
        """A visitor's meetings abroad: when every side whose country is known came from elsewhere, the
        people met in that country are its own ('Liu met Foreign Minister Penny Wong in Canberra')."""
        for ev in events:
            if ev.kind not in ("meeting", "visit") or not ev.country:
                continue
            mine = [by_id[p.entity] for p in participations if p.event == ev.id and p.entity in by_id]
            roles = {p.entity: p.role for p in participations if p.event == ev.id}
            known = {e.country for e in mine if e.country and e.type in ("person", "party", "organization")}
            visitors = {e.country for e in mine if e.country and roles.get(e.id) == "delegation"}
            if ev.kind == "visit" and visitors and ev.country not in visitors:
                wanted = ("host",)  # those who receive a delegation from abroad are of the country it visits
            elif known and ev.country not in known:
                wanted = ("host", "attendee")
            else:
                continue
            for ent in mine:
                if ent.type == "person" and ent.country is None and roles.get(ent.id) in wanted:
                    ent.country = ev.country

    @staticmethod
    def _lead_date(text: str, clusters: list[Cluster], published: date | None) -> None:
        """News style dates its story in the lead ('China on Tuesday provided its answer …') and names the
        event a sentence or a paragraph later: the main event, if undated, takes the lead's one date."""
        if not clusters or published is None:
            return
        main = max(clusters, key=lambda c: len(c.mentions))
        if main.start is not None:
            return
        body = [(a, b) for a, b in paragraphs(text) if len(text[a:b].split()) >= 15 and TERMINAL.search(text[a:b])]
        if not body:
            return
        lead_start, lead_end = body[0]
        first = re.search(r"^.+?[.!?](?=\s|$)", text[lead_start:lead_end], re.S)
        sentence = first.group(0) if first else text[lead_start:lead_end]
        days = {d.begin for d in find_dates(sentence, published) if d.begin and not d.closing
                and not OTHER_DAY.search(sentence[max(0, d.start - 40):d.start])
                and not REPORTED_ON.search(sentence[max(0, d.start - 30):d.start])}
        within = body[1][1] if len(body) > 1 else lead_end
        if len(days) == 1 and min(m.start for m in main.mentions) < within:
            main.start = main.end = days.pop()

    @staticmethod
    def _with_frames(text, sents, mentions: list[Mention], frames) -> list[Mention]:
        """Each frame joins the event mention it overlaps or sits inside, or adds the mention it names."""
        described = [m for m in mentions if not m.named]
        for f in frames:
            if f.kind == "attend":  # taking part in the event its object names
                targets = f.targets or ([f.target] if f.target is not None else [])
                f.mention = next((m for t in targets for m in mentions if m.start <= t < m.end), None)
                continue
            s_start, s_end = sents.of(f.start)
            overlap = [m for m in mentions if m.start < f.end and f.start < m.end]
            subject = []
            if not overlap and f.kind == "visit":  # "arrived in C … for a three-day visit": one visit
                overlap = [m for m in described if s_start <= m.start < s_end and m.kind == "visit" and not m.place
                           and FOR_A.search(text[max(s_start, m.start - 40):m.start])]
                # "leads a delegation to visit China": the delegation's visit; "… the first time that a
                # delegation had visited the region": the delegation it tells of, not a trip of its own
                purpose = [m for m in described if m.kind == "visit" and s_start <= m.start and m.end <= f.start
                           and re.fullmatch(r"\s+to\s+", text[m.end:f.start])]
                subject = [m for m in described if m.kind == "visit" and s_start <= m.start and m.end <= f.start and
                           re.fullmatch(r"\s*(?:(?:had|has|have|was|were|is|are|also)\s+){0,2}", text[m.end:f.start])]
                overlap = overlap or purpose or subject
            # "During the visit, X met Y": a meeting inside the event being reported
            during = [m for m in mentions if s_start <= m.start < f.start and re.search(
                r"\b(?:during|on the sidelines of|in the course of)\s+(?:the|a|this|their|his|her)?\s*$",
                text[max(s_start, m.start - 40):m.start], re.I)]
            if not during and STAY.search(text[s_start:f.start]):
                # "During his stay in C, X met Y": part of the visit the article reports
                during = [m for m in mentions if m.kind == "visit" and m.start < s_start][-1:]
            if overlap and during and during[0] not in overlap and f.kind == "meeting" and during[0].kind == "visit":
                for m in overlap:  # the meeting is one of the visit's: it joins the visit, its sides the visit's
                    if not m.named:
                        m.part_of = during[0]
            overlap = overlap or during
            if overlap:
                f.mention = min(overlap, key=lambda m: (m.kind != f.kind, m.start))
                if f.kind == "meeting" and {"host", "attendee"} <= {r for _, r in f.roles} and not f.mention.named:
                    f.mention.sides = True
                if f.place and not f.mention.place and f.mention.kind == f.kind and not subject:
                    f.mention.place = f.place
                continue
            f.mention = Mention(f.start, f.end, f.kind, f.name, False, False, place=f.place)
            mentions.append(f.mention)
        return sorted(mentions, key=lambda m: m.start)

    # -- grouping --------------------------------------------------------------------

    def _attach(self, m: Mention, clusters: list[Cluster], place, dates, years=frozenset()) -> Cluster | None:
        own = _own_ordinal(m.name)  # "the first convening summit" is not the summit "now held for the fourth time"
        clusters = [c for c in clusters if not (own and c.edition and c.edition != own)]
        if not clusters:
            return None
        for c in clusters:  # the same name is the same event
            same = [x for x in c.mentions if (x.named or not x.anaphoric) and _same_name(m.name, x.name)]
            if same and (c.kind == m.kind or {c.kind, m.kind} <= COMPATIBLE or (m.named and any(x.named for x in same))):
                if not self._conflict(c, place, dates, years):
                    return c
        if m.named or m.place and not m.anaphoric:
            if m.named:
                # a named event takes in the earlier descriptions of it, not a meeting between two people
                compatible = [c for c in clusters if c.kind in COMPATIBLE and m.kind in COMPATIBLE
                              and not any(x.named for x in c.mentions) and not self._conflict(c, place, dates, years)
                              and not all(x.name.startswith("meeting between ") or x.sides for x in c.mentions)]
                return compatible[-1] if compatible else None
            if m.place:
                for c in reversed(clusters):
                    if (c.place and m.place and c.place.lower() == m.place.lower()) and (
                            c.kind == m.kind or {c.kind, m.kind} <= COMPATIBLE):
                        return c
            return None
        if m.anaphoric or not (place or any(d.begin for d in dates)):
            between = m.name.startswith("meeting between ")
            # "the dialogue" goes back to the last dialogue before the last meeting; a meeting between two
            # sides ("Liu met with Ramaphosa") is never a multi-party dialogue or summit of its own accord
            for exact in ((True, False) if m.kind != "meeting" else (False,)):
                for c in sorted(reversed(clusters), key=lambda c: c.aside):  # "the summit": the story's, not an aside
                    same_kind = c.kind == m.kind or (not exact and m.kind in COMPATIBLE and c.kind in COMPATIBLE)
                    if between and c.kind != "meeting":
                        continue
                    if same_kind and not self._conflict(c, place, dates):
                        return c
        return None

    @staticmethod
    def _fold_into_main(clusters: list[Cluster]) -> list[Cluster]:
        """A mention group with no date, no place and no 'of …' of its own ('São Paulo Forum' in a
        headline before the report of its meeting) is the article's main event of that kind."""
        if len(clusters) < 2:
            return clusters
        main = max(clusters, key=lambda c: (len(c.mentions), bool(c.start), -clusters.index(c)))
        kept = []
        for c in clusters:
            bare = c is not main and not c.start and not c.place and c.edition is None and not any(
                re.search(r"\b(?:of|with|between)\b", x.name) for x in c.mentions)
            if bare and (c.kind == main.kind or {c.kind, main.kind} <= COMPATIBLE):
                main.mentions.extend(c.mentions)
                main.format = main.format or c.format
                continue
            kept.append(c)
        return kept

    def _conflict(self, c: Cluster, place, dates, years=frozenset()) -> bool:
        if years and c.start and c.start.year not in years and not any(d.begin for d in dates):
            return True  # "the first summit, in 2017" is not this year's
        if c.years and (any(d.begin and d.begin.year not in c.years for d in dates)
                        or (years and not years & c.years and not any(d.begin for d in dates))):
            return True  # a group placed in 2017 does not take a 2021 date
        if place and c.place and place[0].lower() != c.place.lower() and place[1] != c.country:
            return True
        for d in dates:
            if d.begin and c.start and c.end and not (c.start.toordinal() - 1 <= d.begin.toordinal() <= c.end.toordinal() + 1):
                return True
            if d.begin and c.start and not c.end and abs((d.begin - c.start).days) > 1:
                return True
        return False

    def _place(self, text, m: Mention, s_start, s_end, places):
        """The place an event mention's sentence puts it in: 'in Beijing', 'in Sochi, Russia'."""
        if m.place:
            hit = self.countries.lookup(m.place)
            return (m.place, hit.code if hit else None, ())
        best = None
        for s, e, ent in places.between(s_start, s_end):
            if not (s_start <= s < s_end and re.search(r"\b(?:in|at|to|visiting)\s+$", text[max(s_start, s - 10):s])):
                continue
            dist = s - m.end if s >= m.end else (m.start - e) * 2
            if dist > 90:
                continue
            if best is None or dist < best[0]:
                best = (dist, ent, e)
        if best is None:
            return None
        _, ent, e = best
        tour = self._tour(text, ent, e, s_end, places)
        if tour:  # "to brief politicians in Japan, South Korea and Mongolia": one trip, every country
            return (f"{', '.join(n for n, _ in tour[:-1])} and {tour[-1][0]}", None, tuple(c for _, c in tour))
        country = ent.country
        follow = re.match(r",\s+([A-Z][\w ]+?)\b(?=[,.;]|\s+(?:on|in|at|under|with|for)\b)", text[e:e + 40])
        if follow and (hit := self.countries.lookup(follow.group(1))):
            country = country or hit.code
        return (ent.name, country, ())

    @staticmethod
    def _tour(text, first, first_end, s_end, places) -> list[tuple[str, str]]:
        """The countries a list names from `first` on ('Japan, South Korea and Mongolia'), when every item
        is a country; [] for one place or a list that holds a city."""
        if first.type != "country" or not first.country:
            return []
        found, at = [(first.name, first.country)], first_end
        while True:
            nxt = next(((s, e, ent) for s, e, ent in places.between(at, s_end) if s >= at), None)
            if nxt is None:
                break
            s, e, ent = nxt
            glue = re.fullmatch(r"\s*(,|,?\s+and)\s+(?:the\s+)?", text[at:s])
            if not glue or ent.type != "country" or not ent.country:
                break
            found.append((ent.name, ent.country))
            at = e
            if "and" in glue.group(1):
                break
        codes = [c for _, c in found]
        return found if len(found) > 1 and len(set(codes)) == len(codes) and "and" in text[first_end:at] else []

    def _fill(self, c: Cluster, m: Mention, text, s_start, s_end, sentence, dates, place, by_span,
              nearest_mention=lambda d: None) -> None:
        if place and not c.place and not m.anaphoric:
            c.place, c.country, c.tour = place
            if c.country is None and not c.tour:  # "Budapest", "Sochi, Russia": the country named last
                hit = self.countries.lookup(place[0]) or self.countries.lookup(place[0].rsplit(",", 1)[-1].strip())
                c.country = hit.code if hit else None
            if ent_country := next((ent.country for s, e, ent in by_span if text[s:e] == place[0] and ent.country), None):
                c.country = c.country or ent_country
        near = [d for d in dates if d.begin and not d.closing]
        for d in dates:  # "the congress, which ends on Sunday", "runs until Sunday"
            if not (d.begin and d.closing):
                continue
            days = DURATION.search(text[max(s_start, m.start - 30):m.end])
            if days:  # "the four-day visit that ended Saturday": it began three days before
                n = int(days.group(1)) if days.group(1).isdigit() else DAY_COUNTS[days.group(1).lower()]
                c.start, c.end = d.begin - timedelta(days=n - 1), d.begin
            elif nearest_mention(d) is m and (c.start is None or d.begin >= c.start):
                c.end = d.begin
        yearless = [d for d in dates if d.yearless and not d.closing]
        if yearless and not near and not c.start and not c.days and not m.anaphoric:
            c.days = min(yearless, key=lambda d: abs(d.start - m.start)).yearless
        if near and not c.start:
            d = min(near, key=lambda d: abs(d.start - m.start))
            c.start = d.begin
            if c.end is None or d.finish > c.end or c.end < d.begin:
                c.end = d.finish
        elif near and c.start and c.end == c.start:  # "on Friday", then "on February 15 and 16": the range
            span = next((d for d in near if d.begin < d.finish and d.begin <= c.start <= d.finish), None)
            if span is not None:
                c.start, c.end = span.begin, span.finish
        around = text[max(s_start, m.start - 60):min(s_end, m.end + 60)]
        if HYBRID.search(around) and not re.search(r"hybrid\s+(?:democra|regime)", around, re.I):
            c.format = "hybrid"
        elif VIRTUAL.search(around) and c.format != "hybrid":
            c.format = "virtual"
        if c.edition is None:
            e = EDITION.search(sentence)
            if e and e.group(0).lower().endswith("time"):  # "the first time that Xi holds an online meeting":
                lead = re.match(r"\s+(?:that|when)\s+(?=(?P<who>he|she|[A-Z]))", sentence[e.end():])
                at = s_start + e.end() + (lead.end() if lead else 0)  # his first, not the event's
                if lead and (lead.group("who") in ("he", "she") or not any(
                        ent.type in ("party", "organization", "country") and a == at for a, _, ent in by_span)):
                    e = None
            e = e or re.match(r"(?P<ord>\d+)(?:st|nd|rd|th)\b", m.name) or re.search(
                r"\b(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\s+\w*\s*$",
                text[max(s_start, m.start - 30):m.start], re.I)
            if e:
                word = e.group("ord").lower()
                c.edition = ORDINALS.get(word) or int(re.sub(r"\D", "", word) or 0) or None
            elif roman := re.match(r"(?:the\s+)?([IVXLC]{2,7})\s+[A-Z]", m.name):  # "XXV Congress": the 25th
                c.edition = _roman(roman.group(1))
            else:
                c.edition = _own_ordinal(m.name)

    # -- participations ----------------------------------------------------------------

    @staticmethod
    def _holds(text, s, e, event_start, ents) -> bool:
        """'X held a briefing', 'X of the Y is planning to hold a dialogue': X holds the event."""
        between = text[e:event_start]
        hold = HOLD_VERB.search(between)
        if not hold:
            return False
        lead = between[:hold.start()]
        if re.search(r"\bof\s+(?:the\s+)?$", text[max(0, s - 8):s]):
            return False  # "… of the CCP held": the CCP qualifies the holder
        if BEFORE_HOLD.match(lead) or BEFORE_HOLD.match(re.sub(r"^\s*,[^,;.]{2,90},", "", lead)):
            return True  # "X held", "X, the federation of liberal parties, held"
        # "the International Liaison Department of the CCP held …": X heads the phrase
        of = re.match(r"^\s+of\s+(?:the\s+)?", lead)
        if of:
            nxt = next(((a, b) for a, b, _ in ents if a == e + of.end()), None)
            if nxt and BEFORE_HOLD.match(text[nxt[1]:e + hold.start()]):
                return True
        return False

    def _participations(self, text, sents, clusters, keys, by_span, mentions, assigned, events, frames=()):
        out: dict[tuple[str, str], ParticipationFact] = {}
        if not clusters:
            return []
        # the article's main event: the most mentioned, a named one, the one its first mention opens
        first = min((m.start for c in clusters for m in c.mentions if keys.get(id(c))), default=0)
        main = max(clusters, key=lambda c: (len(c.mentions) + (2 if any(x.named for x in c.mentions) else 0)
                                             + (2 if any(m.start == first for m in c.mentions) else 0),
                                             -clusters.index(c)))
        mention_cluster = {(m.start, m.end): assigned[i] for i, m in enumerate(mentions) if i in assigned}
        span_index = SpanIndex(by_span)

        def add(cluster, ent, role, span, country_ok=False):
            key = keys.get(id(cluster))
            if key is None or ent.type not in ("person", "party", "organization") and not (
                    country_ok and ent.type == "country"):
                return
            if ent.type == "organization" and (OUTLET.search(ent.name) or all(
                    TITLE_AFTER.match(text[e:e + 30]) for s, e in ent.mentions)):
                return  # "told Xinhua": the outlet reports, it takes no part; "Senate President": an office
            k = (key, ent.id)
            rank = ROLES
            if k not in out or rank.index(role) < rank.index(out[k].role):
                out[k] = ParticipationFact(event=key, entity=ent.id, role=role, span=span)

        # organizers named inside an event's own name: "CCP and World Political Parties Summit"
        bodies = list({id(ent): ent for _, _, ent in by_span if ent.type in ("party", "organization")}.values())
        for c in clusters:
            for x in c.mentions:
                if not x.named:
                    continue
                for s, e, ent in span_index.between(x.start, x.end):
                    if ent.type in ("party", "organization"):
                        add(c, ent, "organizer", (x.start, x.end))
                        c.organizer = c.organizer or ent.id
                if c.organizer is None and c.kind in ("congress", "conference", "plenum"):
                    # "the Communist Party Congress": a party the article names elsewhere, by a name it uses
                    ent = self._named_in(x.name, bodies)
                    if ent is None and re.fullmatch(r"(?:the\s+)?(?:\w+\s+)?Party\s+(?:National\s+)?Congress", x.name):
                        ent = self._main_party(bodies)  # "the 19th Party Congress": the Party the article is about
                    if ent is not None:
                        add(c, ent, "organizer", (x.start, x.end))
                        c.organizer = ent.id
        paras = Sentences(paragraphs(text), len(text))

        def para_has_event(p_start: int, p_end: int) -> bool:
            return bool(mention_index.between(p_start, p_end))

        def titled(ent) -> bool:
            return bool(ent.titles)
        mention_index = SpanIndex([(m.start, m.end, m) for m in mentions])
        briefing = next((c for c in clusters if c.kind == "briefing" and keys.get(id(c))), None)
        for s_start, s_end in sents:
            sentence = text[s_start:s_end]
            in_sentence = [m for _, _, m in mention_index.between(s_start, s_end)]
            cluster_here = None
            ents = [(s, e, ent) for s, e, ent in span_index.between(s_start, s_end)
                    if ent.type in ("person", "party", "organization")]
            # "a party delegation": the party the article is about
            if re.search(r"\bparty delegation\b", sentence, re.I) and not any(
                    ent.type == "party" for _, _, ent in ents):
                parties = Counter(ent.id for _, _, ent in by_span if ent.type == "party")
                if parties:
                    pid = parties.most_common(1)[0][0]
                    ent = next(x for _, _, x in by_span if x.id == pid)
                    c = mention_cluster.get((in_sentence[0].start, in_sentence[0].end)) if in_sentence else main
                    add(c, ent, "delegation", (s_start, s_end))
            # "parties … from countries …, such as A, B and C" attended: the countries took part through them
            such = re.search(r"\bsuch as\b", sentence)
            if such and ATTEND_CUE.search(sentence) and not NEGATION.search(sentence) and re.search(
                    r"\bpart(?:y|ies)\b|\bleaders\b|\bdelegat", sentence[:such.start()], re.I):
                at = mention_cluster.get((in_sentence[0].start, in_sentence[0].end)) if in_sentence else None
                if at is None or keys.get(id(at)) is None:
                    here = [m for _, _, m in mention_index.between(*paras.of(s_start))]
                    at = mention_cluster.get((here[0].start, here[0].end)) if here else main
                for s, e, ent in span_index.between(s_start + such.end(), s_end):
                    if ent.type == "country":
                        add(at, ent, "attendee", (s_start, s_end), country_ok=True)
            if not ents:
                continue
            p_start, p_end = paras.of(s_start)
            cluster = None
            if in_sentence:
                cluster = mention_cluster.get((in_sentence[0].start, in_sentence[0].end))
            # event-less sentences belong to the event their paragraph is about, or the main one
            if cluster is None or keys.get(id(cluster)) is None:
                para_mentions = [m for _, _, m in mention_index.between(p_start, p_end)]
                cluster = mention_cluster.get((para_mentions[0].start, para_mentions[0].end)) if para_mentions else main
                if keys.get(id(cluster)) is None:
                    cluster = main
                place_here = [ent for s, e, ent in span_index.between(s_start, s_end) if ent.type == "place"]
                for c in clusters:
                    if c.place and any(p.name == c.place for p in place_here) and keys.get(id(c)):
                        cluster = c
            met = next((x for x in in_sentence if x.name.startswith("meeting between ")), None)
            if met is not None and keys.get(id(mention_cluster.get((met.start, met.end)))):
                target = mention_cluster[(met.start, met.end)]
                verbs = [text.find(w, met.start) for w in (" with ", " received ", " receives ", " welcomed ", " welcomes ")]
                split = min([v for v in verbs if met.start <= v < met.end] or [met.end])
                side = VISIT_ROLE if target.kind == "visit" else {}
                for s, e, ent in ents:
                    if met.start <= s < split:
                        add(target, ent, side.get("host", "host"), (s_start, s_end))
                    elif s >= split and (re.search(r"delegation", text[split:s], re.I) or
                                         re.search(r"(?:led|headed)\s+by\s+(?:\w+\s+){0,4}$", text[max(s_start, s - 60):s])):
                        add(target, ent, "delegation", (s_start, s_end))
                    elif s >= split:
                        add(target, ent, side.get("attendee", "attendee"), (s_start, s_end))
                continue
            for s, e, ent in ents:
                before = text[max(s_start, s - 60):s]
                role = None
                if any(m.start <= s < m.end for m in in_sentence if m.named):
                    continue  # inside an event's own name
                if CONGRATULATED.search(text[max(s_start, s - 60):s]):
                    role = "host"  # "sent an envoy to Zimbabwe to congratulate new President X": X receives him
                elif (by := ORGANIZED_BY.search(text[max(s_start, s - 60):s])) or HOSTED_BY.search(
                        text[max(s_start, s - 100):s]):
                    role = "host" if ent.type == "person" or not by or re.match(r"hosted", by.group(), re.I) \
                        else "organizer"
                elif in_sentence and s < in_sentence[0].start and self._holds(text, s, e, in_sentence[0].start, ents):
                    role = "host" if ent.type == "person" else "organizer"
                elif IN_DELEGATION.search(text[s_start:s]):
                    role = "delegation"
                elif DELEGATION.search(sentence) and (
                        re.search(r"(headed|led)\s+by\s+(?:\w+\s+){0,4}$", before) or (ent.type == "party" and (
                            re.search(r"^\W{0,3}(?:\(\s*)?(?:an?\s+)?(?:[\w-]+\s+){0,2}delegation", text[e:e + 40])
                            or re.search(r"delegation\s+(?:of|from)\s+(?:the\s+)?(?:[A-Z][\w ]{1,30}[’']s\s+)?$",
                                         before)))):
                    role = "delegation"
                elif ent.type == "person" and re.match(r"(?:,[^,.]{2,80})?,?\s+(?:who\s+)?(?:led|headed)\s+(?:the\s+)?"
                                                       r"(?:group|delegation|team|visit)", text[e:e + 120]):
                    role = "delegation"  # "…, the ANC's head of elections, who led the group"
                elif ent.type == "person" and (STRONG_SPEAK.search(sentence) or (
                        (cue := SPEAK_CUE.search(sentence)) and (in_sentence or para_has_event(p_start, p_end))
                        and not (PRAISE.match(cue.group()) and s > s_start + cue.start()))):
                    role = "speaker"  # "X praised Y": X spoke, Y is what X spoke of
                elif briefing is not None and ent.type == "person" and re.match(
                        rf"^(?:,[^,]{{2,80}},)?\s+(?:{SAY})\b", text[e:s_end]):
                    add(briefing, ent, "speaker", (s_start, s_end))
                    continue
                elif ent.type == "person" and para_has_event(p_start, p_end) and titled(ent) and re.match(
                        rf"^(?:\s*[—–-][^—–]{{2,80}}[—–-]|,[^,]{{2,80}},)?\s*(?:{SAY})\b", text[e:s_end]) and \
                        re.search(r"[“\"]", sentence):
                    role = "speaker"
                elif SPEAKERS.search(sentence):
                    role = "speaker"
                elif re.search(r"\bsign(?:ed|ing)\b", sentence, re.I) and (
                        any(x.kind == "other" and x.name.startswith("signing") for x in in_sentence)
                        or re.search(r"\bsigned\s+by\b", text[s_start:s], re.I)):
                    role = "signatory"
                elif ATTEND_CUE.search(sentence) and not NEGATION.search(sentence):
                    role = "attendee"
                if role is None:
                    continue
                if role in ("organizer", "host") and cluster is not None:
                    before_it = [x for x in in_sentence if x.start < s]  # "… a programme organised by X"
                    nearest = before_it[-1] if before_it else (in_sentence[0] if in_sentence else None)
                    target = mention_cluster.get((nearest.start, nearest.end)) if nearest else cluster
                    if keys.get(id(target)):
                        add(target, ent, role, (s_start, s_end))
                        target.organizer = target.organizer or ent.id
                    continue
                if role == "delegation" and cluster is not None and cluster.kind != "visit" and not in_sentence:
                    # "In the delegation is also X" in a paragraph about what the delegation will attend: the visit's
                    cluster = next((c for c in [main] + clusters if c.kind == "visit" and keys.get(id(c))), cluster)
                add(cluster, ent, role, (s_start, s_end))
        for f in sorted(frames, key=lambda f: f.weak):  # roles the parse gives, in the event the frame's mention joined
            if f.mention is None:  # "X spoke next": the event its sentence, or else its paragraph, is about
                here = [m for _, _, m in mention_index.between(*sents.of(f.start))] or \
                       [m for _, _, m in mention_index.between(paras.of(f.start)[0], f.start)][-1:]
                cluster = mention_cluster.get((here[0].start, here[0].end)) if here else main
            else:
                cluster = mention_cluster.get((f.mention.start, f.mention.end))
            if cluster is None or keys.get(id(cluster)) is None:
                continue
            if f.weak and cluster.kind not in ("meeting", "congress", "forum", "summit", "dialogue"):
                continue
            span = sents.of(f.start)
            roles = f.roles
            if f.kind == "meeting" and cluster.kind == "visit":
                # the meeting is the visit's: its hosts are the visitors, whom they met host it
                roles = [(ent, VISIT_ROLE.get(role, role)) for ent, role in roles]
            for ent, role in roles:
                k = (keys[id(cluster)], ent.id)
                if f.weak and (k in out or any(p.entity == ent.id for p in out.values())):
                    continue  # already in the record in some role
                if k in out and out[k].role == "organizer" and role != "organizer":
                    continue
                out[k] = ParticipationFact(event=k[0], entity=ent.id, role=role, span=span)
                if role == "organizer":
                    cluster.organizer = cluster.organizer or ent.id
        for m in ENVOY.finditer(text):  # "Beijing sent a special envoy to …": the sender's country sends him
            cluster = next((c for c in clusters if any(x.start == m.start("what") for x in c.mentions)), None)
            s_start, _ = sents.of(m.start())
            sender = [(a, b, ent) for a, b, ent in by_span if s_start <= a and b <= m.start()
                      and not text[b:m.start()].strip(" ,")]
            if cluster is None or not sender:
                continue
            _, _, ent = sender[-1]
            if ent.type == "place" and ent.country:  # the capital for its country
                ent = next((x for _, _, x in by_span if x.type == "country" and x.country == ent.country), ent)
            add(cluster, ent, "delegation", (m.start(), m.end()), country_ok=True)
        for c in clusters:  # a trip to several countries: each of them receives it
            if c.tour and c.kind == "visit":
                for code in c.tour:
                    hit = next(((a, b, ent) for a, b, ent in by_span if ent.type == "country" and ent.country == code
                                and (c.place or "").find(text[a:b]) >= 0), None)
                    if hit:
                        add(c, hit[2], "host", sents.of(hit[0]), country_ok=True)
        self._sides(clusters, keys, out, by_span)
        for ev in events:
            c = next(c for c in clusters if keys[id(c)] == ev.id)
            ev.organizer = c.organizer
        self._earlier_editions(clusters, keys, events, main)
        return list(out.values())

    @staticmethod
    def _earlier_editions(clusters, keys, events, main) -> None:
        """'Xi has spoken at every such summit since the first convening summit in 2017', in an article on
        the fourth: a description of another edition of the article's main event is an edition of its
        series, with its organizer and the series' name beside its own."""
        by_key = {ev.id: ev for ev in events}
        head = by_key.get(keys.get(id(main)))
        if head is None or not head.organizer or not head.edition:
            return
        for c in clusters:
            ev = by_key.get(keys.get(id(c)))
            if ev is None or ev is head or ev.organizer or not ev.edition or ev.edition == head.edition or \
                    ev.kind != head.kind or any(x.named for x in c.mentions):
                continue
            ev.organizer = head.organizer
            ev.aliases = sorted({*ev.aliases, *(n for n in (head.name, *head.aliases) if _own_ordinal(n) is None
                                                and any(w[:1].isupper() for w in n.split()))})

    @staticmethod
    def _sides(clusters, keys, out, by_span) -> None:
        """Two-sided events: a party or body takes the side of the people of its country. In a meeting
        between two sides, the guests' delegation attends it and the host's party and department host it
        ('X of the CPC met a delegation of the SPD': the CPC hosts, the SPD attends); on a visit, the
        visitors' party and department are the delegation."""
        ents = {ent.id: ent for _, _, ent in by_span}
        for c in clusters:
            key = keys.get(id(c))
            if key is None:
                continue
            mine = [p for p in out.values() if p.event == key]
            if c.kind == "meeting" and any(m.name.startswith("meeting between ") for m in c.mentions):
                hosts = {ents[p.entity].country for p in mine if p.role == "host" and ents[p.entity].type == "person"}
                hosts.discard(None)
                for p in mine:
                    ent = ents[p.entity]
                    if p.role == "delegation":
                        p.role = "attendee"
                    if ent.type in ("party", "organization") and ent.country and len(hosts) == 1 \
                            and p.role in ("attendee", "organizer"):
                        p.role = "host" if ent.country in hosts else "attendee"
            elif c.kind == "visit":
                visitors = {ents[p.entity].country for p in mine if p.role == "delegation"
                            and ents[p.entity].type == "person"}
                visitors.discard(None)
                for p in mine:
                    ent = ents[p.entity]
                    if ent.type in ("party", "organization") and len(visitors) == 1 and p.role == "attendee" \
                            and ent.country in visitors:
                        p.role = "delegation"


def _own_ordinal(name: str) -> int | None:
    """The edition a description's own first word gives: 'first convening summit' is the first."""
    hit = re.match(r"(?:the\s+)?(?P<ord>[a-z]+|\d+(?:st|nd|rd|th))\s+\w", name, re.I)
    if not hit:
        return None
    word = hit.group("ord").lower()
    return ORDINALS.get(word) or (int(re.sub(r"\D", "", word)) if word[0].isdigit() else None)


def _roman(numeral: str) -> int | None:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for i, ch in enumerate(numeral):
        v = values[ch]
        total += -v if i + 1 < len(numeral) and values[numeral[i + 1]] > v else v
    return total or None


def _content(name: str) -> set[str]:
    stop = {"the", "a", "an", "of", "and", "with", "for", "in", "on", "to", "s", "at"}
    return {w for w in re.findall(r"\w+", name.lower()) if w not in stop}


def _same_name(a: str, b: str) -> bool:
    wa, wb = _content(a), _content(b)
    if not wa or not wb:
        return False
    common = len(wa & wb)
    return common / min(len(wa), len(wb)) >= 0.8 and common >= 2
