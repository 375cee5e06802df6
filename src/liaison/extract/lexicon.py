"""Word lists the extractor's rules share: titles, honorifics, event words, numbers."""

from __future__ import annotations

import re

# Offices as news writes them before or after a name; longest first so that
# "Deputy Prime Minister" wins over "Prime Minister".
TITLES = sorted({
    "president", "vice president", "vice-president", "prime minister", "deputy prime minister", "premier",
    "vice premier", "state councillor", "state counsellor", "state counselor", "general secretary",
    "secretary-general", "secretary general", "foreign minister", "minister of foreign affairs",
    "minister", "vice minister", "vice-minister", "deputy minister", "deputy foreign minister", "deputy head",
    "head", "chairman", "chairwoman", "chair", "vice chairman", "vice-chairman", "leader", "party leader",
    "party chief", "party secretary", "first secretary", "king", "queen", "emir", "sultan", "chancellor",
    "spokesman", "spokeswoman", "spokesperson", "ambassador", "envoy", "special envoy", "editor-in-chief",
    "editor in chief", "director", "deputy director", "director-general", "senator", "governor", "mayor",
    "speaker", "chief executive", "commissioner", "minister of state", "defence minister", "defense minister",
    "finance minister", "interior minister", "trade minister", "opposition leader", "member",
    "politburo member", "secretary", "deputy secretary-general", "deputy general secretary", "founder",
    "co-founder", "general", "councillor", "counsellor", "counselor", "minister-counsellor", "lieutenant general", "vice chair", "deputy chairman", "deputy leader",
    "chairperson", "coordinator", "deputy president", "vice presidents", "honorary president", "treasurer",
    "secretary of state", "assistant secretary", "deputy secretary", "general manager", "executive secretary",
    "member of parliament", "mp", "mep", "deputy", "presidents", "former presidents", "prime ministers",
    "head of state", "head of government", "top diplomat", "representative", "delegate",
}, key=len, reverse=True)
TITLE_RE = "|".join(re.escape(t).replace(r"\ ", r"[\s-]+") for t in TITLES)
HONORIFICS = r"(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Madam|Comrade)\.?"

# Words that open a title but are no part of a name.
NOT_NAME_WORDS = {
    "the", "a", "an", "of", "and", "for", "to", "in", "on", "at", "by", "with", "from", "as", "who", "has",
    "have", "had", "is", "was", "said", "says", "told", "will", "would", "also", "former", "new",
}

EVENT_KINDS = {
    "summit": "summit", "summits": "summit",
    "dialogue": "dialogue", "dialogues": "dialogue",
    "meeting": "meeting", "meetings": "meeting", "talks": "meeting", "gathering": "meeting",
    "conference": "meeting", "session": "meeting", "consultation": "meeting", "consultations": "meeting",
    "visit": "visit", "visits": "visit", "trip": "visit", "tour": "visit", "delegation": "visit",
    "forum": "forum", "symposium": "forum", "seminar": "forum",
    "briefing": "briefing", "press conference": "briefing", "news conference": "briefing",
    "congress": "congress", "convention": "congress", "plenum": "congress", "plenary": "congress",
    "training": "training", "workshop": "training", "course": "training",
    "programme": "programme", "program": "programme", "initiative": "programme",
}

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "a dozen": 12,
}
SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 1_000_000_000_000,
          "hundred": 100, "k": 1_000, "m": 1_000_000, "bn": 1_000_000_000}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
}
MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}

SPEECH_VERBS = (
    "said", "says", "say", "told", "tells", "added", "adds", "stated", "states", "explained", "explains",
    "emphasized", "emphasised", "stressed", "noted", "declared", "announced", "proclaimed", "proclaiming",
    "insisted", "argued", "wrote", "writes", "retorted", "replied", "asked", "urged", "warned", "remarked",
    "commented", "continued", "according", "tweeted", "posted", "claimed", "described", "called",
)
