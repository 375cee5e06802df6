"""Direct quotations of five words or more, with their speakers.

Quotes are found by their marks (curly or straight; a quote left open at the end
of a paragraph runs on into the next, as news style has it) and by block
quotations introduced with "He said:". The speaker is, in order: the subject of a
speech verb next to the quote ("Guo added", "said the tweet on Biden's feed");
for "he said"/"it said", the person or body last quoted or named; the nearest
person in the sentence; and, for a paragraph that is only a quote, whoever spoke
the quote before it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from liaison.extract.lexicon import SPEECH_VERBS
from liaison.extract.spans import SpanIndex, paragraphs
from liaison.model import EntityFact, QuoteFact

OPEN = "“\"‘"
MIN_WORDS = 5
VERB = r"(?:" + "|".join(SPEECH_VERBS) + r")"
PRONOUN_SAID = re.compile(
    rf"\bquoted\s+(?P<pron3>him|her)\s+as\s+saying\b|\b(?P<pron>he|she|it|they|the\s+(?:statement|party|department|ministry|organi[sz]ation|group|communiqu[ée]|"
    rf"declaration|letter))\s+(?:also\s+)?{VERB}\b|\b{VERB}\s+(?P<pron2>he|she|it|they)\b", re.I)
SUBJECT_VERB = re.compile(rf"^[^.“”\"]{{0,60}}?\b{VERB}\b", re.I)
ATTRIBUTION = re.compile(rf"\s*(?:he|she|it|they|[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){{0,2}})\s+(?:also\s+)?{VERB}\b")
# "… the right”said in reference to X": the speaker left out, as translated reports do
ELIDED_SUBJECT = re.compile(rf"^\s*(?:also\s+)?{VERB}\s+(?!by\b)[a-z]", re.I)
# "The CPC, he said, connected …": the speaker in a parenthesis after the clause's subject
PARENTHETICAL_SAID = re.compile(rf",\s*(?P<pron>he|she)\s+(?:also\s+)?{VERB},")
NAME_BEFORE = re.compile(r"(?:\b(?:of|at|the|titled|called|named|dubbed)\s*)$", re.I)


@dataclass
class QuoteSpan:
    start: int  # of the quoted words, marks excluded
    end: int
    paragraph: int
    opens_paragraph: bool
    block: bool = False
    unclosed: bool = False  # ran to the end of its paragraph: continues in the next


def find_quote_spans(text: str) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    paras = paragraphs(text)
    for n, (ps, pe) in enumerate(paras):
        i = ps
        while i < pe:
            ch = text[i]
            straight = ch == '"'
            if ch == "“" or (straight and (i == ps or not text[i - 1].isalnum())):
                close = "”" if ch == "“" else '"'
                j = text.find(close, i + 1, pe)
                if straight and j == -1:
                    j = text.find("”", i + 1, pe)
                if ch == "“" and j == -1:  # "… to return to power “he said.": an opening mark typed as the close
                    k = text.find("“", i + 1, pe)
                    if k != -1 and ATTRIBUTION.match(text, k + 1):
                        j = k
                end = j if j != -1 else pe
                start = i + 1
                while start < end and text[start].isspace():
                    start += 1
                stop = end
                while stop > start and (text[stop - 1].isspace() or text[stop - 1] in ",;:"):
                    stop -= 1
                if stop > start:
                    spans.append(QuoteSpan(start, stop, n, opens_paragraph=(i == ps), unclosed=(j == -1)))
                i = end + 1
                continue
            i += 1
        # "He said:" closing a paragraph introduces a block quotation: the next paragraph.
        if re.search(rf"\b{VERB}\s*:\s*$", text[ps:pe], re.I) and n + 1 < len(paras):
            bs, be = paras[n + 1]
            if not text[bs:be].lstrip().startswith(tuple(OPEN)):
                spans.append(QuoteSpan(bs, be, n + 1, opens_paragraph=True, block=True))
    return sorted(spans, key=lambda q: q.start)


def find_quotes(text: str, entities: list[EntityFact], sentence_of, parsed=None) -> list[QuoteFact]:
    index = SpanIndex([(s, e, ent) for ent in entities if ent.type in ("person", "party", "organization")
                       for s, e in ent.mentions])
    by_id = {e.id: e for e in entities}
    quotes: list[QuoteFact] = []
    resolved: list[tuple[QuoteSpan, str | None]] = []
    previous: tuple[int, str | None] | None = None  # (paragraph, speaker id)
    spans = find_quote_spans(text)
    quote_index = SpanIndex([(q.start, q.end, None) for q in spans])

    def outside_quotes(s: int) -> bool:
        before = quote_index.before(s + 1)
        return not (before and before[-1][0] <= s < before[-1][1])

    for q in spans:
        words = len(text[q.start:q.end].split())
        s_start, s_end = sentence_of(q.start)
        s_start = min(s_start, q.start)
        if q.block:
            s_start, s_end = max(0, q.start - 300), q.start
        # the sentence may end inside the quote: carry on to the attribution after it
        close = q.end + 1
        tail_end = text.find("\n", close)
        tail_end = len(text) if tail_end == -1 else tail_end
        m_end = re.search(r"[.!?](?=\s|$)", text[close:tail_end])
        after_text = text[close: close + (m_end.end() if m_end else 0)] if m_end else text[close:tail_end]
        before_text = text[s_start:q.start]
        speaker = None
        # 1. "X said" / "said X" right after the quote
        elided = ELIDED_SUBJECT.match(after_text) and not re.match(r"\s*\w+\s+[A-Z]", after_text)
        for s, e, ent in ([] if elided else index.between(close, close + len(after_text))):
            if ent.type == "person":
                speaker = ent
                break
        paren = PARENTHETICAL_SAID.search(before_text)
        if speaker is None and paren:
            speaker = _by_pronoun(paren.group("pron"), index, s_start + paren.start())
        pron = PRONOUN_SAID.search(after_text[:40]) or PRONOUN_SAID.search(before_text[-60:])
        if speaker is None and pron and (pron.group("pron3") or not re.search(r"[A-Z]", after_text[:3])):
            word = (pron.group("pron") or pron.group("pron2") or pron.group("pron3")).lower()
            word = {"him": "he", "her": "she"}.get(word, word)
            if word.startswith("the "):  # "the statement said": who issued the statement?
                speaker = _issuer(text, index, q.start, word.split()[-1])
            if word in ("he", "she") and not q.block:  # "X, in the name of all, expressed support for Y…, saying, '…,' she said": X
                speaker = speaker or _sentence_subject(parsed, index, s_start, q.start)
                if speaker is None and not text[s_start:q.start].strip(OPEN + " "):  # the quote opens its sentence: the paragraph's speaker
                    para_start = paragraphs(text)[q.paragraph][0]
                    speaker = _sentence_subject(parsed, index, para_start, q.start, last=True, speaking=True)
            speaker = speaker or _by_pronoun(word, index, q.start)
        if speaker is None:
            candidates = [(s, e, ent) for s, e, ent in index.between(s_start, q.start) if outside_quotes(s)]
            verb_subjects = [c for c in candidates if SUBJECT_VERB.match(text[c[1]:q.start])
                             and c[2].type == "person"]
            people = [c for c in candidates if c[2].type == "person"]
            if verb_subjects:
                speaker = verb_subjects[0][2]
            elif people:
                speaker = people[-1][2]
            elif candidates and SUBJECT_VERB.match(text[candidates[-1][1]:q.start]):
                speaker = candidates[-1][2]
            if speaker is None:
                if pron := re.search(r"\b(he|she|it)\b", before_text, re.I):
                    speaker = _by_pronoun(pron.group(1).lower(), index, q.start)
        if speaker is None and previous and q.opens_paragraph and q.paragraph - previous[0] <= 1:
            speaker = by_id.get(previous[1])
        if speaker is None and previous and q.paragraph == previous[0]:
            speaker = by_id.get(previous[1])
        if speaker is None and q.opens_paragraph and not after_text.strip(" ”\"’.,"):
            # a paragraph that is only a quote: the words of the person the paragraph before made its subject
            paras = paragraphs(text)
            if q.paragraph > 0:
                speaker = _sentence_subject(parsed, index, *paras[q.paragraph - 1], last=True)
        speaker_id = speaker.id if speaker else None
        previous = (q.paragraph, speaker_id)
        resolved.append((q, speaker_id))
        if words < MIN_WORDS:
            continue
        if NAME_BEFORE.search(text[max(0, q.start - 12):q.start - 1]) and re.search(
                r"(meeting|summit|dialogue|forum|conference|congress)$", text[q.start:q.end], re.I):
            continue  # a quoted event name, not a quotation
        quotes.append(QuoteFact(speaker=speaker_id, text=text[q.start:q.end], span=(q.start, q.end)))
    # A quotation left open at a paragraph's end is spoken by whoever the continuation names.
    speaker_at = {q.start: sp for q, sp in resolved}
    for (q, sp), nxt in zip(reversed(resolved[:-1]), reversed(resolved[1:])):
        if q.unclosed and nxt[0].opens_paragraph and nxt[0].paragraph == q.paragraph + 1 and speaker_at[nxt[0].start]:
            speaker_at[q.start] = speaker_at[nxt[0].start]
    for quote in quotes:
        quote.speaker = speaker_at.get(quote.span[0], quote.speaker)
    return quotes


def _issuer(text: str, index: SpanIndex, pos: int, noun: str) -> EntityFact | None:
    """The body named as the source of 'a statement from X', 'X said in a statement', 'X's statement'."""
    for s, e, ent in reversed(index.before(pos)[-200:]):
        if ent.type not in ("party", "organization", "person"):
            continue
        if re.search(rf"\b{noun}\s+(?:from|by|issued\s+by|of)\s+(?:the\s+)?$", text[max(0, s - 40):s], re.I) or \
                re.search(rf"^(?:[’']s)?\s+(?:said\s+in\s+an?\s+|issued\s+an?\s+)?{noun}\b", text[e:e + 30], re.I):
            return ent
    return None


def _sentence_subject(parsed, index: SpanIndex, start: int, end: int, last: bool = False,
                      speaking: bool = False) -> EntityFact | None:
    """The person the parse makes the subject of a main verb between start and end (the first, or the last);
    failing that, a person who opens the sentence ("Rivadeneira, in the name of all, expressed …")."""
    if parsed is None or not parsed.has_annotation("DEP"):
        return None
    found = []
    for s, e, ent in index.between(start, end):
        if ent.type != "person":
            continue
        span = parsed.char_span(s, e, alignment_mode="expand")
        if span is None:
            continue
        root = span.root.head if span.root.dep_ in ("appos", "compound") else span.root  # "The president X demanded"
        if root.dep_ in ("nsubj", "nsubjpass") and root.head.dep_ == "ROOT":
            if not speaking or re.match(VERB, root.head.lemma_, re.I) or re.match(VERB, root.head.text, re.I):
                found.append(ent)
        elif not last and span.start == span.sent.start:
            found.append(ent)
    return (found[-1] if last else found[0]) if found else None


def _by_pronoun(pron: str, index: SpanIndex, pos: int) -> EntityFact | None:
    if pron.startswith("the"):  # "the statement said": the body that issued it
        pron = "it"
    wanted = ("person",) if pron in ("he", "she") else ("organization", "party", "person")
    earlier = index.before(pos)
    if pron in ("he", "she"):
        # the person the passage is about: of the people named in the last few hundred characters, the one
        # named most often so far ("Orbán greeted his allies, including X and Y. … , he said": Orbán)
        recent = [ent for s, e, ent in earlier if ent.type == "person" and s >= pos - 400]
        near = [s for s, e, ent in earlier if ent.type == "person" and s >= pos - 150]
        if len(set(id(x) for x in recent)) > 1 and not near:  # "Foreign Minister Wang Yi said … He said:": Wang
            counts = Counter(id(ent) for s, e, ent in earlier if ent.type == "person")
            last = {id(ent): i for i, ent in enumerate(recent)}
            return max(recent, key=lambda ent: (counts[id(ent)], last[id(ent)]))
    for s, e, ent in reversed(earlier[-200:]):
        if ent.type in wanted:
            if pron == "it" and ent.type == "person":
                continue
            return ent
    return None
