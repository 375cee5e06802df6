"""Liaison: an evidence-backed, queryable record of inter-party diplomacy."""

__version__ = "0.1.0"


def open(db: str, data: str | None = None):
    """Open a Liaison database for analysis: ``rec = liaison.open("liaison.db")``; ``data`` is the reference
    data folder (default: LIAISON_DATA). Returns a :class:`liaison.frames.RecordFrames`."""
    from liaison.frames import RecordFrames

    return RecordFrames.open(db, data)
