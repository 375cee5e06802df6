"""HTML pages to raw documents, through trafilatura.

trafilatura parses the string it is given; it never fetches the page, its images
or anything the page links to, and no script in the page runs.
"""

from __future__ import annotations

import logging

from liaison.model import RawDocument

# trafilatura logs its own parse problems; we report ours per file instead.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

MAX_DEPTH_HINT = 2000


def html_to_raw(source: str, html: str, warnings: list[str]) -> RawDocument:
    import trafilatura

    if html.count("<") > 0 and html.count("<div") > MAX_DEPTH_HINT * 10:
        raise ValueError("HTML too deeply nested or too large to parse safely")
    result = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        favor_precision=True,
        deduplicate=False,
    )
    if result is None:
        raise ValueError("no article text found in the HTML (malformed page or no main content)")
    data = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    text = (data.get("text") or "").strip()
    if not text:
        raise ValueError("no article text found in the HTML (malformed page or no main content)")
    meta: dict = {}
    if data.get("title"):
        meta["title"] = data["title"].strip()
    if data.get("sitename"):
        meta["outlet"] = data["sitename"].strip()
    if data.get("date"):
        meta["published"] = data["date"]
    if data.get("url"):
        meta["url"] = data["url"]
    if data.get("language"):
        meta["language"] = data["language"]
    author = data.get("author")
    if author:
        meta["authors"] = [a.strip() for a in author.split(";") if a.strip()]
    return RawDocument(source=source, body=text, format="html", metadata=meta, warnings=warnings)
