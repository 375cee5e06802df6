"""Store: the record in SQLite (default) or PostgreSQL, through SQLAlchemy Core."""

from liaison.store.database import Store, database_url

__all__ = ["Store", "database_url"]
