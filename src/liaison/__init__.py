"""Liaison: an evidence-backed, queryable record of inter-party diplomacy."""

__version__ = "0.1.0"
