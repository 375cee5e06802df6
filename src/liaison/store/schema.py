"""The record's tables (SQLAlchemy Core), one schema for SQLite and PostgreSQL.

Per-document facts (``doc_*``, ``mentions``, ``participations``, ``quotes``,
``figures``) are what extraction found, each row with its evidence: the document,
the character span and the extractor version. ``entities``, ``events`` and
``series`` are the resolved record; ``judgements`` are people's decisions, kept
apart so that re-extraction never loses them.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

documents = sa.Table(
    "documents", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("source", sa.Text, nullable=False, unique=True),
    sa.Column("url", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("outlet", sa.Text),
    sa.Column("authors", sa.JSON, nullable=False, default=list),
    sa.Column("published", sa.Date, index=True),
    sa.Column("language", sa.String(16)),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False, index=True),
    sa.Column("word_count", sa.Integer, nullable=False),
    sa.Column("status", sa.String(32), nullable=False),  # extracted | skipped
    sa.Column("skip_reason", sa.Text),
    sa.Column("extractor", sa.String(64)),
    sa.Column("near_duplicate_of", sa.String(32), sa.ForeignKey("documents.id", ondelete="SET NULL"), index=True),
    sa.Column("similarity", sa.Float),
    sa.Column("warnings", sa.JSON, nullable=False, default=list),
    sa.Column("ingested_at", sa.DateTime, nullable=False),
    # SHA-256 of the input as read, before cleaning (migration 9): an unchanged file is known
    # without cleaning it again. Looked up through the unique source, so it needs no index.
    sa.Column("raw_hash", sa.String(64)),
    # a page from the web (migration 12): when it was fetched and the WARC record that keeps it
    sa.Column("fetched_at", sa.DateTime),
    sa.Column("warc_record_id", sa.Text),
)

# Earlier texts of a document (migration 14): a source ingested again with another text (an
# edited page, a JSON line naming the same url) keeps what it said before, not only what it says now.
document_revisions = sa.Table(
    "document_revisions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("document_id", sa.String(32), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("revision", sa.Integer, nullable=False),  # 1 for the first text the document had
    sa.Column("title", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("published", sa.Date),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("stored_at", sa.DateTime, nullable=False),  # when that text was stored
    sa.Column("replaced_at", sa.DateTime, nullable=False),
    sa.Column("fetched_at", sa.DateTime),
    sa.Column("warc_record_id", sa.Text),
)

# What the fetcher knows of each address it has asked for (migration 12): the validators of its
# last answer, so the next pass asks conditionally (a 304 costs nothing), and whether it answered
# at all, so a feed's items already read are not fetched again after a restart.
fetches = sa.Table(
    "fetches", metadata,
    sa.Column("url", sa.Text, primary_key=True),
    sa.Column("final_url", sa.Text),
    sa.Column("kind", sa.String(16)),  # page, feed or sitemap, as the body said
    sa.Column("status", sa.Integer),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("fetched_at", sa.DateTime, nullable=False),
    sa.Column("warc_record_id", sa.Text),
)

# MinHash bands for near-duplicate detection: two documents sharing a band bucket
# are candidates, then compared on their full signatures.
document_bands = sa.Table(
    "document_bands", metadata,
    sa.Column("document_id", sa.String(32), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("band", sa.Integer, nullable=False),
    sa.Column("bucket", sa.BigInteger, nullable=False),
    sa.Index("ix_document_bands_bucket", "band", "bucket"),
    sa.Index("ix_document_bands_document", "document_id"),
)
document_signatures = sa.Table(
    "document_signatures", metadata,
    sa.Column("document_id", sa.String(32), sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("signature", sa.JSON, nullable=False),
)


def _evidence() -> list[sa.Column]:
    return [
        sa.Column("document_id", sa.String(32), sa.ForeignKey("documents.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("start", sa.Integer),
        sa.Column("end", sa.Integer),
        sa.Column("extractor", sa.String(64), nullable=False),
    ]


doc_entities = sa.Table(
    "doc_entities", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("document_id", sa.String(32), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("key", sa.String(32), nullable=False),
    sa.Column("type", sa.String(16), nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("aliases", sa.JSON, nullable=False, default=list),
    sa.Column("country", sa.String(3), index=True),
    sa.Column("titles", sa.JSON, nullable=False, default=list),
    sa.Column("entity_id", sa.String(64), index=True),  # the resolved entity
    sa.Column("extractor", sa.String(64), nullable=False),
    sa.Column("external_ids", sa.JSON),  # Party Facts, Wikidata ids from the gazetteers (migration 3)
    sa.UniqueConstraint("document_id", "key"),
)

mentions = sa.Table(
    "mentions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("entity_key", sa.String(32), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    *_evidence(),
)

doc_events = sa.Table(
    "doc_events", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("document_id", sa.String(32), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("key", sa.String(32), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("aliases", sa.JSON, nullable=False, default=list),
    sa.Column("start", sa.Date),
    sa.Column("end", sa.Date),
    sa.Column("place", sa.Text),
    sa.Column("country", sa.String(3)),
    sa.Column("format", sa.String(16)),
    sa.Column("organizer_key", sa.String(32)),
    sa.Column("edition", sa.Integer),
    sa.Column("period", sa.String(32)),  # EDTF, when no day is told: '2017-10', '../2018-01-08' (migration 10)
    sa.Column("countries", sa.JSON),  # a trip to several countries: their codes, in order (migration 11)
    sa.Column("spans", sa.JSON, nullable=False, default=list),
    sa.Column("event_id", sa.String(64), index=True),  # the resolved event
    sa.Column("extractor", sa.String(64), nullable=False),
    sa.UniqueConstraint("document_id", "key"),
)

participations = sa.Table(
    "participations", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_key", sa.String(32), nullable=False),
    sa.Column("entity_key", sa.String(32), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    *_evidence(),
)

quotes = sa.Table(
    "quotes", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("speaker_key", sa.String(32)),
    sa.Column("event_key", sa.String(32)),
    sa.Column("text", sa.Text, nullable=False),
    *_evidence(),
)

figures = sa.Table(
    "figures", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("qualifier", sa.Text),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("subject", sa.Text),
    sa.Column("event_key", sa.String(32)),
    *_evidence(),
)

# The resolved record.
entities = sa.Table(
    "entities", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("type", sa.String(16), nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("aliases", sa.JSON, nullable=False, default=list),
    sa.Column("country", sa.String(3), index=True),
    sa.Column("titles", sa.JSON, nullable=False, default=list),
    sa.Column("external_ids", sa.JSON, nullable=False, default=dict),
    sa.Column("documents", sa.Integer, nullable=False, default=0),  # how many documents name it (migration 4)
    sa.Column("status", sa.String(16)),  # None, "checked" or "rejected" by a judgement (migration 7)
    # When an event without a start happened, as far as its sources allow, in EDTF (migration 10):
    # '2017-10', '2017', 'XXXX-10', '2016/2018', '../2018-01-08'
    sa.Column("period", sa.String(32)),
)

series = sa.Table(
    "series", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("organizer_id", sa.String(64)),
)

events = sa.Table(
    "events", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("aliases", sa.JSON, nullable=False, default=list),
    sa.Column("start", sa.Date, index=True),
    sa.Column("end", sa.Date),
    sa.Column("place", sa.Text),
    sa.Column("country", sa.String(3), index=True),
    sa.Column("format", sa.String(16)),
    sa.Column("organizer_id", sa.String(64)),
    sa.Column("series_id", sa.String(64), index=True),
    sa.Column("edition", sa.Integer),
    sa.Column("sources", sa.Integer, nullable=False, default=0),  # how many documents report it (migration 4)
    sa.Column("status", sa.String(16)),  # None, "checked" or "rejected" by a judgement (migration 7)
    # When an event without a start happened, as far as its sources allow, in EDTF (migration 10):
    # '2017-10', '2017', 'XXXX-10', '2016/2018', '../2018-01-08'
    sa.Column("period", sa.String(32)),
)

# An entity or event id that re-resolution retired, and the id its facts now carry,
# so that links and judgements that name the old id still find the thing.
redirects = sa.Table(
    "redirects", metadata,
    sa.Column("old_id", sa.String(64), primary_key=True),
    sa.Column("new_id", sa.String(64), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

judgements = sa.Table(
    "judgements", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("action", sa.String(16), nullable=False),  # merge, split, correct, reject, confirm, undo
    sa.Column("target", sa.String(160), nullable=False, index=True),  # widened from 64 by migration 7
    sa.Column("other", sa.String(64)),
    sa.Column("payload", sa.JSON, nullable=False, default=dict),
    sa.Column("author", sa.Text, nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("created_at", sa.DateTime, nullable=False),
    # Set by each resolution (migration 7): applied, orphaned or undone; why; and the id
    # the judgement's target carries now.
    sa.Column("outcome", sa.String(16)),
    sa.Column("note", sa.Text),
    sa.Column("current", sa.String(160), index=True),
)

# What the judgements say about facts that are not rows of their own in the resolved
# record: a participation ("part:EVENT:ENTITY"), a quote ("quote:ID"), a figure
# ("figure:ID"). Rewritten by each resolution (migration 7).
overrides = sa.Table(
    "overrides", metadata,
    sa.Column("target", sa.String(160), primary_key=True),
    sa.Column("field", sa.String(32), primary_key=True),  # status | role
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("judgement_id", sa.Integer, nullable=False),
)

ingest_log = sa.Table(
    "ingest_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(32), nullable=False, index=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # stored, updated, unchanged, duplicate, failed, warning
    sa.Column("message", sa.Text),
    sa.Column("document_id", sa.String(32)),
    sa.Column("created_at", sa.DateTime, nullable=False),
)


# People who may write (migration 8): a token is shown once and only its SHA-256 is kept.
users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),  # editor | admin
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("revoked_at", sa.DateTime),
)

# Sessions a user signed out of (migration 13): a cookie copied before `POST /logout` is dead,
# not alive until it expires. Rows are kept until the cookie would have expired anyway.
ended_sessions = sa.Table(
    "ended_sessions", metadata,
    sa.Column("nonce", sa.String(64), primary_key=True),
    sa.Column("expires_at", sa.DateTime, nullable=False, index=True),
)

# Per-database secrets (migration 8), e.g. the key that signs the explorer's session cookies.
app_secrets = sa.Table(
    "app_secrets", metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("value", sa.String(128), nullable=False),
)
