"""Cleaning: strip page furniture from an article's lines and find its header facts.

Every rule here is about the *shape* of a line (its length, its punctuation, a
known kind of prompt, its repetition), never about a particular article. The
cleaned text is what the store keeps and what every extracted offset points into.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Prompts that page templates put around articles. Checked on short lines only,
# so a sentence of the article that happens to contain "subscribe" stays.
PROMPTS = [re.compile(p, re.I) for p in (
    r"\b(sign|log) ?(in|up|out)\b", r"\bregister\b(?! of)", r"\bsubscri(be|ption|ber)s?\b",
    r"\balready a (member|subscriber)\b", r"\bcreate (a free |an )?account\b", r"\bdon'?t have an account\b",
    r"\bfree trial\b", r"\b(days?|weeks?|months?) free\b", r"\bpremium (titles|content|articles)\b",
    r"\bmembership\b", r"^start reading\b", r"\bunlock (this|the|full)\b", r"\bpaywall\b",
    r"\bjoin the (conversation|discussion|debate)\b", r"\byou are commenting as\b", r"\bcomments? (are|is) (closed|open)\b",
    r"^(leave|post|add|show|view|hide) (a |the )?comments?\b", r"^\d+ comments?$", r"\bcomment policy\b",
    r"\bsupport (independent|quality|our|local|public[- ]interest)\b.*\b(journalism|reporting|newsroom)\b",
    r"\bdonate\b", r"\bpatreon\b", r"\bbecome a (member|supporter|patron)\b", r"\btake a (second|moment) to support\b",
    r"\bmake a contribution\b", r"\b(download|get|install) (the|our) app\b", r"^one (app|subscription|membership)\b",
    r"\bapp store\b",
    r"\bgoogle play\b", r"\bnewsletters?\b", r"\ball (?:your|the) news\b", r"\bin one place\b",
    r"\b\d+\+? (?:trusted |premium |global |news )*(?:sources|titles|publications)\b", r"\bcurated\b.*\bfor you\b", r"^(share|tweet|email|print)( this)?( article| story| page)?$",
    r"^share (on|via) ", r"^follow us\b", r"\bcookies?\b.*\b(accept|consent|policy|settings)\b", r"^accept( all)? cookies\b",
    r"^advertisement$", r"^sponsored( content)?$", r"^skip to (main )?content$", r"\bread (the full|more)( story| article)?\b",
    r"\bclick here\b", r"\bfollow (the|our) live\b",
)]

# Lines that open a block of links or promotions after the article; what follows
# them to the end of the page is furniture when no real paragraph comes after.
LIST_OPENERS = re.compile(
    r"^(related( stories| articles| content| coverage| news| topics)?|read more|more from\b.*|more on this story|"
    r"recommended( for you)?|top stories\b.*|our picks|editor'?s picks|most (read|popular|viewed)|trending( now)?|"
    r"you (may|might) also like|also read|see also|recent features|latest news|more stories|"
    r"sign up to read this article|continue reading)\W*$",
    re.I,
)

# Captions and credits: "(Photo by X/AFP via Getty Images)", "Image Credit: …",
# "Credit: VOA", "… on June 28. Jane Roe/Getty Images", "(Screen grab: Twitter)".
CREDITS = [re.compile(p) for p in (
    r"(?i)\((photo|photograph|image|picture|pic|screen ?grab|screenshot|file photo|video)\b[^()]*\)\s*$",
    r"(?i)\b(photo|image|picture|photograph)s? ?credits?\s*:",
    r"(?i)^(credits?|photo|photograph|image|picture|file photo|source: screenshot)\s*:",
    r"(?i)\bvia getty images\W*$",
    r"(?i)\b(getty images|shutterstock|alamy|istock(photo)?)\W*$",
    r"[.!?”\"]\s+(?:[A-Z][\w'’.-]+\s){1,3}[A-Z][\w'’.-]+\s?/\s?[A-Z][\w&.'’-]*(?:\s[A-Z][\w&.'’-]*){0,3}\.?$",
    r"^(?:[A-Z][\w'’.-]+\s){1,3}[A-Z][\w'’.-]+\s?/\s?(?:AFP|AP|Reuters|EPA|Xinhua|Getty Images|Bloomberg)\.?$",
)]

CONTRIBUTOR = re.compile(
    r"(?i)\b(also )?contributed (reporting )?to (this|the) (piece|report|article|story)\b|"
    r"^(additional )?reporting by\b|^(writing|editing|edited) by\b|\bcontributed reporting\b"
)
DESK_TAG = re.compile(r"^[–—-]+\s*[\w.&' ]{2,40}$")
BYLINE = re.compile(r"^\s*by\s+(?P<rest>[A-Z].*)$", re.I)
TERMINAL = re.compile(r"[.!?:;…”\"’')\]]\s*$")
NAME_GROUP = re.compile(r"^(?:[A-Z][\w'’.-]*)(?:\s(?:[A-Z][\w'’.-]*|de|van|von|da|bin|al))(?:\s[A-Z][\w'’.-]*){0,2}$")

MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Za-z .'’-]{{1,40}}?),?\s+(?P<date>{MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTHS}\.?)(?:,?\s+(?P<year>\d{{4}}))?\s*(?:\((?:[A-Za-z]+)\)\s*)?"
    rf"(?:[:–—]|--?)\s*(?=[A-Z“\"])"
)
FULL_DATE = re.compile(
    rf"\b(?:{MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d\d)|\d{{1,2}}\s+{MONTHS}\.?,?\s+(?P<y2>(?:19|20)\d\d)|"
    rf"{MONTHS}\s+(?P<y3>(?:19|20)\d\d)|(?P<y4>(?:19|20)\d\d)-\d\d-\d\d)\b"
)
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


@dataclass
class Cleaned:
    text: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    byline_date: str | None = None
    dateline: dict | None = None
    removed: list[tuple[str, str]] = field(default_factory=list)  # (why, line)


# "…(PCC).During the trip": a sentence run into the next where a page lost its line breaks
RUN_ON = re.compile(r"(?<=[A-Za-z][a-z)])\.(?=[A-Z][a-z])")


def normalise_line(line: str) -> str:
    line = unicodedata.normalize("NFC", line).translate(INVISIBLE)
    line = line.replace("\u00a0", " ").replace("\t", " ")
    line = RUN_ON.sub(". ", line)
    return re.sub(r" {2,}", " ", line).strip()


def fingerprint(line: str) -> str:
    return re.sub(r"[\W_]+", " ", line.casefold()).strip()


def words(line: str) -> int:
    return len(line.split())


def is_prompt(line: str) -> bool:
    return words(line) <= 20 and any(p.search(line) for p in PROMPTS)


def is_credit(line: str) -> bool:
    return any(p.search(line) for p in CREDITS)


def is_body(line: str) -> bool:
    """A paragraph of running prose, as opposed to a headline, label or prompt."""
    return words(line) >= 20 or (words(line) >= 8 and bool(TERMINAL.search(line)) and not line.endswith(":"))


def looks_like_headline(line: str) -> bool:
    n = words(line)
    if n < 4 or n > 25 or line.endswith((".", ",", ";")):
        return False
    return not BYLINE.match(line) and not is_author_list(line)


def is_author_list(line: str) -> bool:
    """'Jane Doe, John Roe and Ann Lee': names only, no sentence around them."""
    if TERMINAL.search(line) or words(line) > 14:
        return False
    groups = [g.strip() for g in re.split(r",|\band\b|&", line) if g.strip()]
    return len(groups) >= 2 and all(NAME_GROUP.match(g) for g in groups)


def parse_byline(rest: str) -> tuple[list[str], str | None]:
    """'Patrick Goodenough | July 6, 2021 | 4:34am EDT' -> authors and the date part."""
    parts = [p.strip() for p in re.split(r"\s*[|•·]\s*|\s+[–—]\s+", rest) if p.strip()]
    authors: list[str] = []
    date_text = None
    for part in parts:
        if FULL_DATE.search(part) or re.search(rf"\b{MONTHS}\b\.?\s+\d", part):
            date_text = date_text or part
        elif not authors and not re.search(r"\d", part):
            authors = [a.strip() for a in re.split(r",|\band\b|&", part) if a.strip()]
    return authors, date_text


def clean_lines(body: str, known_title: str | None = None) -> Cleaned:
    raw_lines = [normalise_line(line) for line in body.splitlines()]
    lines = [line for line in raw_lines if line]
    out = Cleaned(text="")
    kept: list[str] = []
    seen: set[str] = set()
    title = known_title
    title_fp = fingerprint(title) if title else None
    in_header = True

    # Trailing link lists: from an opener to the end, when no real paragraph follows.
    cut = len(lines)
    for i, line in enumerate(lines):
        if LIST_OPENERS.match(line) and not any(words(rest) >= 30 for rest in lines[i + 1:]):
            cut = i
            break
    for line in lines[cut:]:
        out.removed.append(("link list after the article", line))
    lines = lines[:cut]

    for i, line in enumerate(lines):
        fp = fingerprint(line)
        if not fp:
            out.removed.append(("punctuation only", line))
            continue
        if fp in seen:
            out.removed.append(("repeated line", line))
            continue
        if is_credit(line):
            out.removed.append(("photo caption or credit", line))
            continue
        if is_prompt(line):
            out.removed.append(("page prompt", line))
            continue
        if CONTRIBUTOR.search(line) and words(line) <= 30:
            out.removed.append(("contributor note", line))
            continue
        if DESK_TAG.match(line) and words(line) <= 5:
            out.removed.append(("desk tag", line))
            continue
        if in_header:
            byline = BYLINE.match(line)
            if byline and words(line) <= 20 and not TERMINAL.search(line.split("|")[0]):
                authors, date_text = parse_byline(byline.group("rest"))
                out.authors = out.authors or authors
                out.byline_date = out.byline_date or date_text
                out.removed.append(("byline", line))
                continue
            if is_author_list(line):
                out.authors = out.authors or [g.strip() for g in re.split(r",|\band\b|&", line) if g.strip()]
                out.removed.append(("author list", line))
                continue
            if is_body(line):
                in_header = False
            elif title is None and looks_like_headline(line):
                title, title_fp = line, fp
            elif title_fp is not None and fp == title_fp:
                pass  # the headline itself, kept once
            elif FULL_DATE.search(line) and words(line) <= 4 and not LIST_OPENERS.match(line):
                pass  # "04-05 February 2013" heading a report: the date of what it reports, kept for the text
            elif LIST_OPENERS.match(line) or (words(line) <= 3 and not TERMINAL.search(line)):
                seen.add(fp)
                out.removed.append(("section label", line))
                continue
        seen.add(fp)
        kept.append(line)

    # Short unpunctuated lines trailing after the last paragraph: store names, tags.
    while kept and words(kept[-1]) <= 4 and not TERMINAL.search(kept[-1]) and len(kept) > 1:
        out.removed.append(("trailing label", kept.pop()))

    out.text = "\n\n".join(kept)
    out.title = title or (kept[0][:120] if kept else None)
    for line in kept[:12]:
        match = DATELINE.match(line)
        if match:
            out.dateline = match.groupdict()
            break
    return out


def years_in(text: str) -> list[int]:
    """Years of full dates (with a month) the text mentions, in order."""
    found = []
    for match in FULL_DATE.finditer(text):
        year = next(y for y in match.group("y1", "y2", "y3", "y4") if y)
        found.append(int(year))
    return found
