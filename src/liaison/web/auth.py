"""Who is asking: bearer tokens for the API, signed session cookies and CSRF tokens for the explorer.

Reading needs nobody. Writing needs a user (``liaison users add NAME``):

- the API takes ``Authorization: Bearer <token>``;
- the explorer's sign-in form takes the token once and sets a session cookie
  (HttpOnly, SameSite=Strict) signed with HMAC-SHA256 under a key kept *outside* the
  database (``signing_key``), so reading the database (a backup, a copy opened in
  Datasette) is not enough to forge a session;
- every form carries a CSRF token derived from the session (synchronizer token); the
  sign-in form, before there is a session, uses a double-submit cookie.

A session names its user and the first characters of the user's token hash: rotating
or revoking the token ends the sessions made with it.

No credential, or a bad one: 401. A good one without the right (an editor undoing
somebody else's judgement): 403. A server started with ``--read-only``: 403 on every write.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import Request

from liaison.store.users import User, Users

SESSION_COOKIE = "liaison_session"
LOGIN_COOKIE = "liaison_login"
SESSION_SECONDS = 12 * 3600
SECRET_ENV = "LIAISON_SECRET"
UNSET = object()


class AuthError(Exception):
    """A request that may not do what it asks; ``status`` is 401, 403 or 400."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Session:
    name: str
    key: str  # the first 16 hex digits of the user's token hash when they signed in
    nonce: str
    issued: int


# -- the session-signing key, kept outside the database ----------------------------------------


def key_path(url, environ=None) -> Path | None:
    """Where the signing key of the database at ``url`` (an SQLAlchemy URL) lives when
    LIAISON_SECRET is not set: ``<db>.key`` beside an SQLite file; for any other database,
    ``$XDG_DATA_HOME/liaison/<hash of the URL>.key`` (default ``~/.local/share/liaison/``).
    None for an in-memory SQLite database (its key lives as long as the process)."""
    env = os.environ if environ is None else environ
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:" or url.database.startswith("file::memory:"):
            return None
        name = url.database
        if name.startswith("file:"):  # opened as a URI (read-only): file:/path/with%20quoting
            from urllib.parse import unquote

            name = unquote(name[len("file:"):])
        db = Path(name).expanduser().resolve()
        return db.with_name(db.name + ".key")
    base = Path(env.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "liaison"
    name = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:24]
    return base / f"{name}.key"


def signing_key(url, *, read_only: bool = False, environ=None) -> bytes:
    """The key session cookies and CSRF tokens are signed with (read once, when the app is made).

    ``LIAISON_SECRET`` (at least 32 characters) if set; else the key file ``key_path`` names,
    made on first use with mode 0600 and shared by every process serving that database
    (``serve --workers``). A read-only server never writes: without a key file it signs
    with a key of its own (nobody can sign in to it anyway).
    """
    env = os.environ if environ is None else environ
    given = env.get(SECRET_ENV, "")
    if given:
        if len(given) < 32:
            raise ValueError(f"{SECRET_ENV} must be at least 32 characters (for instance the output of "
                             "`python -c 'import secrets; print(secrets.token_hex(32))'`)")
        return hashlib.sha256(b"liaison-session-key|" + given.encode()).digest()
    path = key_path(url, env)
    if path is None:
        return secrets.token_bytes(32)
    try:
        return _read_key(path)
    except FileNotFoundError:
        if read_only:
            return secrets.token_bytes(32)
    return _make_key(path)


def _read_key(path: Path) -> bytes:
    info = path.stat()
    if os.name == "posix" and info.st_mode & 0o077:
        raise ValueError(f"the session key file {path} can be read by others (mode {stat.filemode(info.st_mode)}): "
                         f"`chmod 600 {path}`, or delete it to make a new one (signing everyone out)")
    text = path.read_text(encoding="ascii", errors="replace").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 32:
        raise ValueError(f"the session key file {path} does not hold a key (64 hex digits): "
                         "delete it to make a new one (signing everyone out)")
    return key


def _make_key(path: Path) -> bytes:
    """Write a new key to ``path`` atomically (a temporary file linked into place): of several
    processes starting at once, one wins and all read its key."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
    finally:
        tmp.unlink(missing_ok=True)
    return _read_key(path)


class Sessions:
    """Signs and reads session cookies and CSRF tokens with one key (``signing_key``)."""

    def __init__(self, secret: bytes, max_age: int = SESSION_SECONDS):
        self.secret = secret
        self.max_age = max_age

    def _sign(self, purpose: str, payload: str) -> str:
        return _b64(hmac.new(self.secret, f"{purpose}|{payload}".encode(), hashlib.sha256).digest())

    def issue(self, user: User, now: float | None = None) -> str:
        issued = int(now if now is not None else time.time())
        payload = _b64(f"{user.name}|{user.token_hash[:16]}|{secrets.token_hex(16)}|{issued}".encode())
        return f"{payload}.{self._sign('session', payload)}"

    def read(self, cookie: str, now: float | None = None) -> Session | None:
        """The session a cookie holds, if its signature is good and it has not expired."""
        if not cookie or cookie.count(".") != 1 or len(cookie) > 512:
            return None
        payload, signature = cookie.split(".")
        if not hmac.compare_digest(signature, self._sign("session", payload)):
            return None
        try:
            name, key, nonce, issued = _unb64(payload).decode().split("|")
            issued_at = int(issued)
        except ValueError:
            return None
        if (now if now is not None else time.time()) - issued_at > self.max_age:
            return None
        return Session(name, key, nonce, issued_at)

    def csrf(self, session: Session) -> str:
        return self._sign("csrf", session.nonce)

    def csrf_ok(self, session: Session, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(token, self.csrf(session))


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def session_of(request: Request) -> Session | None:
    return request.app.state.sessions.read(request.cookies.get(SESSION_COOKIE, ""))


def identify(request: Request) -> User | None:
    """The user a request speaks for (bearer token first, then the session cookie), or None.

    Remembered on the request, so the rate limiter and the route ask the database once.
    """
    cached = getattr(request.state, "liaison_user", UNSET)
    if cached is not UNSET:
        return cached
    users: Users = request.app.state.users
    user = None
    token = bearer(request)
    if token is not None:
        user = users.by_token(token)
    else:
        session = session_of(request)
        if session is not None:
            found = users.get(session.name)
            if found is not None and found.active and hmac.compare_digest(found.token_hash[:16], session.key) \
                    and not users.session_ended(session.nonce):
                user = found
    request.state.liaison_user = user
    return user


def require_writer(request: Request, *, form: dict | None = None) -> User:
    """The user who may write, or an AuthError: 403 read-only, 401 nobody, 403 bad CSRF (forms)."""
    if request.app.state.read_only:
        raise AuthError(403, "This server is read-only (started with `liaison serve --read-only`): "
                             "it refuses every change.")
    api = request.url.path.startswith("/api/")
    if api:
        if bearer(request) is None:
            raise AuthError(401, "Writing needs a token: send `Authorization: Bearer <token>` "
                                 "(`liaison users add NAME` makes one).")
        user = identify(request)
        if user is None:
            raise AuthError(401, "That token is not valid (unknown, rotated or revoked).")
        return user
    user = identify(request)
    if user is None:
        raise AuthError(401, "Sign in with your token to change the record.")
    check_origin(request)
    session = session_of(request)
    given = (form or {}).get("csrf")
    given = given[0] if isinstance(given, list) and given else given  # parsed forms hold lists
    if session is None or not request.app.state.sessions.csrf_ok(session, given if isinstance(given, str) else None):
        raise AuthError(403, "The form's CSRF token is missing or stale: reload the page and try again.")
    return user


def check_origin(request: Request) -> None:
    """A browser's form post must come from this site (defence in depth beside CSRF tokens).

    ``Origin: null`` (a sandboxed frame, a data: or file: page, a cross-site redirect) is
    refused too: a form of this site always names it. No Origin at all (curl, an old
    browser) is left to the CSRF token.
    """
    origin = request.headers.get("origin")
    if origin is None:
        return
    if origin.strip().lower() == "null":
        raise AuthError(403, "A form from a page without an origin (Origin: null) may not change the record.")
    if urlsplit(origin).netloc != request.headers.get("host", ""):
        raise AuthError(403, f"A form from another site ({origin}) may not change the record.")
