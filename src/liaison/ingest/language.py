"""Language identification of cleaned text (py3langid ships its model in the package)."""

from __future__ import annotations

import re

_EN_WORDS = re.compile(r"\b(the|and|of|to|in|that|is|was|for|with|on|said)\b", re.I)


def detect_language(text: str) -> str | None:
    sample = text[:4000]
    if len(sample.split()) < 3:
        return None
    # Plenty of English function words settles it without the model.
    words = len(sample.split())
    if len(_EN_WORDS.findall(sample)) / words > 0.12:
        return "en"
    import py3langid

    lang, _ = py3langid.classify(sample)
    return lang
