"""Who may write to the record: users, their roles and tokens.

A token is ``liaison_`` followed by ``secrets.token_urlsafe(32)`` (256 random bits). It is
shown once, when it is made; the database keeps only its SHA-256. A fast hash is enough
here: a slow one (scrypt, PBKDF2) protects guessable passwords against offline guessing,
and nobody can guess 2**256 possibilities at any speed. The fast hash lets every request
check its token with one indexed lookup, and the comparison of hashes is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa

from liaison.store.schema import ended_sessions, users

ROLES = ("editor", "admin")
TOKEN_PREFIX = "liaison_"
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


class UserError(ValueError):
    """A user command that cannot be done (the message says why)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    created_at: datetime
    revoked_at: datetime | None
    token_hash: str

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _user(row) -> User:
    return User(name=row.name, role=row.role, created_at=row.created_at, revoked_at=row.revoked_at,
                token_hash=row.token_hash)


class Users:
    """The users of one database (``Users(store.engine)``)."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine

    def add(self, name: str, role: str = "editor") -> tuple[User, str]:
        """A new user and their token (the only time the token exists outside the holder's hands).

        Adding a revoked user again brings them back with a new token and the role given
        (``rotate`` refuses to: un-revoking someone is a decision of its own).
        """
        if not NAME.fullmatch(name or ""):
            raise UserError(f"user name {name!r} must be 1-64 letters, digits, '.', '_', '@' or '-', "
                            "starting with a letter or digit")
        if role not in ROLES:
            raise UserError(f"role {role!r} is not one of {', '.join(ROLES)}")
        existing = self.get(name)
        if existing is not None and existing.active:
            raise UserError(f"a user {name!r} exists already; `liaison users rotate {name}` gives them a new token")
        token = new_token()
        with self.engine.begin() as conn:
            if existing is not None:  # a revoked user comes back, under the same name, with a new token
                done = conn.execute(users.update().where(users.c.name == name, users.c.revoked_at.is_not(None))
                                    .values(role=role, token_hash=hash_token(token), revoked_at=None)).rowcount
                if done != 1:
                    raise UserError(f"a user {name!r} exists already")
            else:
                try:
                    conn.execute(users.insert().values(name=name, role=role, token_hash=hash_token(token),
                                                       created_at=_now()))
                except sa.exc.IntegrityError:
                    raise UserError(f"a user {name!r} exists already") from None
        return self.get(name), token

    def end_session(self, nonce: str, expires_at: datetime) -> None:
        """Sign a session out for good (its cookie, wherever a copy is, is refused from now on)."""
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        with self.engine.begin() as conn:
            conn.execute(ended_sessions.delete().where(ended_sessions.c.expires_at < now))
            if not conn.execute(sa.select(ended_sessions.c.nonce).where(ended_sessions.c.nonce == nonce)).first():
                conn.execute(ended_sessions.insert().values(nonce=nonce, expires_at=expires_at))

    def session_ended(self, nonce: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(ended_sessions.c.nonce)
                                .where(ended_sessions.c.nonce == nonce)).first() is not None

    def get(self, name: str) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users).where(users.c.name == name)).first()
        return _user(row) if row else None

    def all(self) -> list[User]:
        with self.engine.connect() as conn:
            return [_user(r) for r in conn.execute(sa.select(users).order_by(users.c.name))]

    def revoke(self, name: str) -> User:
        user = self._existing(name)
        if user.revoked_at is None:
            with self.engine.begin() as conn:
                conn.execute(users.update().where(users.c.name == name).values(revoked_at=_now()))
        return self.get(name)

    def rotate(self, name: str) -> tuple[User, str]:
        """A new token for an active user (the old one, and sessions signed in with it, stop working).

        A revoked user stays revoked: ``add`` brings them back, on purpose.
        """
        user = self._existing(name)
        if not user.active:
            raise UserError(f"{name!r} was revoked; rotating does not bring them back: "
                            f"`liaison users add {name}` does (with a new token)")
        token = new_token()
        with self.engine.begin() as conn:
            done = conn.execute(users.update().where(users.c.name == name, users.c.revoked_at.is_(None))
                                .values(token_hash=hash_token(token))).rowcount
        if done != 1:  # revoked between the check and the update
            raise UserError(f"{name!r} was revoked; `liaison users add {name}` brings them back")
        return self.get(name), token

    def by_token(self, token: str) -> User | None:
        """The active user holding this token, or None."""
        if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        digest = hash_token(token)
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users).where(users.c.token_hash == digest)).first()
        if row is None or not hmac.compare_digest(row.token_hash, digest) or row.revoked_at is not None:
            return None
        return _user(row)

    def _existing(self, name: str) -> User:
        user = self.get(name)
        if user is None:
            raise UserError(f"no user {name!r}; `liaison users list` shows who there is")
        return user
