"""Dates as written in article metadata, bylines and datelines, to ``datetime.date``."""

from __future__ import annotations

import re
from datetime import date, datetime

_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def parse_date(value, *, year: int | None = None) -> date | None:
    """A date from an ISO string, a ``date``/``datetime`` or prose ("July 6, 2021").

    With ``year``, a day and month without a year ("Dec 2") take that year; with
    neither, nothing is guessed and ``None`` comes back.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = _ISO.match(text)
    if match:
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            return None
    import dateparser

    settings = {"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DAY_OF_MONTH": "first",
                "RETURN_AS_TIMEZONE_AWARE": False}
    text = re.sub(r"\b\d{1,2}:\d{2}\s*(am|pm)?\s*[A-Z]{2,4}\b", "", text, flags=re.I).strip(" ,|")
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    if parsed is None and year is not None:
        parsed = dateparser.parse(f"{text} {year}", languages=["en"], settings=settings)
    return parsed.date() if parsed else None
