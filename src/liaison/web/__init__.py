"""Serve: the HTTP API and the explorer's pages over a store. Read-only; runs no NLP."""

from liaison.web.app import create_app

__all__ = ["create_app"]
